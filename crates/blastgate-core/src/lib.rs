//! The assessment engine of blastgate: the context a change is assessed in
//! (incidents, error budgets, freezes, other changes in flight).
//!
//! The engine does no I/O and reads no clock: documents are parsed by
//! `blastgate-ingest`, and "now" is an input.
//!
//! This crate is internal; use the `blastgate` facade crate.

pub mod assessment;
pub mod context;
pub mod depth;
pub mod engine;
pub mod policy;

pub use assessment::Assessment;
pub use context::{Context, ErrorBudget, Exception, Freeze, FreezeScope, InFlight, Incident, Severity, Timestamp};
pub use depth::ReviewDepth;
pub use engine::{AssessOptions, Engine};
pub use policy::{DEFAULT_POLICY, Policy, PolicyProblem, Rule, RuleCheck};

#![doc = include_str!("../../../README.md")]
#![deny(missing_docs)]

pub mod assess;
pub mod calibrate;
pub mod change;
pub mod context;
pub mod demo;
pub mod git;
pub mod graph;
pub mod json_api;
mod output;
pub mod radius;
pub mod synth;

pub use assess::{Assessment, Engine, Policy, ReviewDepth};
pub use change::{ChangeError, Changeset};
pub use graph::{GraphError, GraphFormat, GraphLoader, ServiceGraph};

//! Documented limits on changeset inputs. Exceeding one is a
//! [`crate::ChangeError::LimitExceeded`].

/// Largest changeset document, plan or git output read, in bytes.
pub const MAX_INPUT_BYTES: u64 = 256 << 20;

/// Most files in one changeset.
pub const MAX_FILES: usize = 100_000;

/// Most services named directly in one changeset.
pub const MAX_SERVICES: usize = 10_000;

/// Most infrastructure resources in one changeset.
pub const MAX_RESOURCES: usize = 100_000;

/// Most contributors (people besides the author) in one changeset.
pub const MAX_CONTRIBUTORS: usize = 10_000;

/// Most labels on one changeset (a red-team audit: three million labels
/// were read, 550 MB).
pub const MAX_LABELS: usize = 1_000;

/// Most resource types one file's `declares` lists (a file's own types:
/// the git reader keeps the ones that hold data first).
pub const MAX_DECLARED_TYPES: usize = 64;

/// Longest path, id or other string, in bytes.
pub const MAX_STRING_BYTES: usize = 4096;

/// Most commits read from one git range.
pub const MAX_COMMITS: usize = 10_000;

/// Most bytes of automaton states that resolving a changeset may build
/// matching its paths against one file's patterns (CODEOWNERS, a service
/// map, the graph's source locations), before
/// [`MATCH_STATE_BYTES_PER_FILE`] a changed file: past it, resolving is a
/// `max_match_state_bytes` error. See
/// [`MatchBudget`](crate::pathmatch::MatchBudget).
pub use crate::pathmatch::MAX_MATCH_STATE_BYTES;

/// What each changed file adds to [`MAX_MATCH_STATE_BYTES`], up to
/// [`MAX_MATCH_STATE_BUDGET`].
pub use crate::pathmatch::{MATCH_STATE_BYTES_PER_FILE, MAX_MATCH_STATE_BUDGET};

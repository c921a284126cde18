//! How much review a change needs.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The review depth, ordered from least to most review.
///
/// Deliberately not `#[non_exhaustive]`: adding a level changes what every
/// gate must handle, so it must be a visible breaking change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReviewDepth {
    /// No human review required: automated checks suffice.
    Auto,
    /// Any engineer other than the author approves.
    Peer,
    /// An owner of each changed service approves.
    Owner,
    /// Additionally a senior engineer (the policy's seniority threshold)
    /// from an owning or impacted team approves.
    Senior,
    /// Senior, plus an owner of every impacted tier-0 service; a staged
    /// rollout is mandatory.
    MultiParty,
    /// Do not deploy now (the break-glass path is documented in the policy).
    Block,
}

impl ReviewDepth {
    /// Every depth, in order.
    pub const ALL: [ReviewDepth; 6] =
        [Self::Auto, Self::Peer, Self::Owner, Self::Senior, Self::MultiParty, Self::Block];

    /// The name as written in files and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Auto => "auto",
            Self::Peer => "peer",
            Self::Owner => "owner",
            Self::Senior => "senior",
            Self::MultiParty => "multi_party",
            Self::Block => "block",
        }
    }

    /// Parses a depth name.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.as_str() == name)
    }
}

impl fmt::Display for ReviewDepth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordered_and_named() {
        assert!(ReviewDepth::ALL.windows(2).all(|w| w[0] < w[1]));
        for d in ReviewDepth::ALL {
            assert_eq!(ReviewDepth::parse(d.as_str()), Some(d));
        }
        assert_eq!(ReviewDepth::parse("multi-party"), None);
    }
}

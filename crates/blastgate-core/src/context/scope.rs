//! [`FreezeScope`]: what a freeze covers, written `all`,
//! `{"services": [...]}` or `{"tiers": [...]}`.
//!
//! Deserialised by hand rather than as an untagged serde enum, whose only
//! error is "data did not match any variant": this one says which key or
//! value is wrong and lists what is allowed.

use std::fmt;

use blastgate_graph::Tier;
use serde::de::{self, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize};

/// What a freeze covers.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum FreezeScope {
    /// Everything: every service of every tier (`"all"`, the default).
    #[default]
    All,
    /// The listed services (graph node ids): `{"services": [...]}`.
    Services(Vec<String>),
    /// Services of the listed tiers: `{"tiers": [0, 1]}` (numbers or names,
    /// as in graph files).
    Tiers(Vec<Tier>),
}

impl FreezeScope {
    /// Whether the scope covers the service `service_id` of tier `tier`.
    /// An unknown tier (`None`) is covered by any tier scope (fail closed).
    pub fn covers(&self, service_id: &str, tier: Option<Tier>) -> bool {
        match self {
            Self::All => true,
            Self::Services(services) => services.iter().any(|s| s == service_id),
            Self::Tiers(tiers) => tier.is_none_or(|t| tiers.contains(&t)),
        }
    }
}

const EXPECTED: &str = "`all`, `{services: [...]}` or `{tiers: [...]}`";

impl Serialize for FreezeScope {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::All => s.serialize_str("all"),
            Self::Services(services) => {
                let mut map = s.serialize_map(Some(1))?;
                map.serialize_entry("services", services)?;
                map.end()
            }
            Self::Tiers(tiers) => {
                let mut map = s.serialize_map(Some(1))?;
                map.serialize_entry("tiers", tiers)?;
                map.end()
            }
        }
    }
}

impl<'de> Deserialize<'de> for FreezeScope {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ScopeVisitor)
    }
}

struct ScopeVisitor;

impl<'de> Visitor<'de> for ScopeVisitor {
    type Value = FreezeScope;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a freeze scope: {EXPECTED}")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<FreezeScope, E> {
        if v == "all" {
            Ok(FreezeScope::All)
        } else {
            Err(E::custom(format!("unknown freeze scope `{}`, expected {EXPECTED}", blastgate_graph::shorten(v))))
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<FreezeScope, A::Error> {
        let Some(key) = map.next_key::<String>()? else {
            return Err(de::Error::custom(format!("empty freeze scope, expected {EXPECTED}")));
        };
        let scope = match key.as_str() {
            "services" => FreezeScope::Services(map.next_value()?),
            "tiers" => FreezeScope::Tiers(map.next_value()?),
            other => return Err(de::Error::unknown_field(other, &["services", "tiers"])),
        };
        if let Some(extra) = map.next_key::<String>()? {
            return Err(de::Error::custom(format!(
                "a freeze scope has one key, `services` or `tiers`, but `{}` follows `{key}`; \
                 write one freeze per scope",
                blastgate_graph::shorten(&extra)
            )));
        }
        Ok(scope)
    }
}

impl schemars::JsonSchema for FreezeScope {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "FreezeScope".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let tier = generator.subschema_for::<Tier>();
        schemars::json_schema!({
            "description": "What a freeze covers: `all`, the listed services, or the services of the listed tiers.",
            "oneOf": [
                {"type": "string", "const": "all"},
                {
                    "type": "object",
                    "properties": {"services": {"type": "array", "items": {"type": "string"}, "minItems": 1}},
                    "required": ["services"],
                    "additionalProperties": false
                },
                {
                    "type": "object",
                    "properties": {"tiers": {"type": "array", "items": tier, "minItems": 1}},
                    "required": ["tiers"],
                    "additionalProperties": false
                }
            ]
        })
    }
}

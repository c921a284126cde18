//! What the reader keeps of a plan's `configuration`: which resources
//! declare provisioners.
//!
//! A provisioner (`local-exec`, `remote-exec`, `file`) runs a command
//! when its resource is created or destroyed, and the command can do
//! anything: a `terraform_data` in a leaf's module whose `local-exec`
//! deletes a tier-0 database is, in `resource_changes`, one harmless
//! `create` (found by a gaming audit: peer, where deleting the database
//! resource blocks). Only the configuration says a resource has one.
//!
//! The configuration is walked as Terraform writes it (`jsonconfig`):
//! `root_module` holds `resources` (each with a module-relative `address`
//! and, if any, `provisioners`, each with a `type`) and `module_calls`
//! (each call's `module`, the same shape again). Everything else is
//! skipped unread. The walk nests as deep as the modules do, which the
//! document's nesting limit bounds.

use std::collections::BTreeMap;
use std::fmt;

use blastgate_change::limits;
use serde::Deserialize;
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::{Nullable, once};

/// The most provisioner types kept for one resource (for messages); the
/// rest are counted.
const MAX_TYPES_KEPT: usize = 3;

/// The resources of a configuration that declare provisioners.
#[derive(Default)]
pub(in crate::terraform) struct Provisioned {
    /// By configuration address (module calls as `module.NAME.`, then the
    /// resource's `TYPE.NAME`, no instance keys): the first
    /// [`MAX_TYPES_KEPT`] provisioner types, and how many it has in all.
    /// At most [`limits::MAX_RESOURCES`] resources are kept.
    pub by_address: BTreeMap<String, (Vec<String>, usize)>,
    /// How many resources with provisioners the configuration has in all.
    pub total: usize,
    /// Whether the plan has a configuration (a `root_module`).
    pub present: bool,
    /// The configuration addresses of the resources of the types that
    /// exist to run provisioners ([`COMMAND_HOSTS`]), at most
    /// [`limits::MAX_RESOURCES`].
    pub hosts: std::collections::BTreeSet<String>,
}

/// Resource types that exist to run provisioners: a delete of one whose
/// block is gone may run a `removed` block's destroy-time provisioner,
/// which the plan does not show.
pub(in crate::terraform) const COMMAND_HOSTS: [&str; 2] = ["terraform_data", "null_resource"];

/// Reads `configuration` into `out`.
pub(super) struct ConfigSeed<'a> {
    pub out: &'a mut Provisioned,
}

#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "snake_case")]
enum ConfigField {
    RootModule,
    #[serde(other)]
    Other,
}

#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "snake_case")]
enum ModuleField {
    Resources,
    ModuleCalls,
    #[serde(other)]
    Other,
}

#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "snake_case")]
enum CallField {
    Module,
    #[serde(other)]
    Other,
}

#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "snake_case")]
enum ResourceField {
    Address,
    Provisioners,
    #[serde(other)]
    Other,
}

#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "snake_case")]
enum ProvisionerField {
    #[serde(rename = "type")]
    Type,
    #[serde(other)]
    Other,
}

impl<'de> DeserializeSeed<'de> for ConfigSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ConfigSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a configuration object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen = false;
        while let Some(field) = map.next_key::<ConfigField>()? {
            match field {
                ConfigField::RootModule => {
                    once(&mut seen, "root_module")?;
                    self.out.present = true;
                    map.next_value_seed(Nullable(ModuleSeed { prefix: String::new(), out: &mut *self.out }))?;
                }
                ConfigField::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

/// A module: its resources and its calls of other modules, each address
/// written after `prefix` (`module.a.module.b.`).
struct ModuleSeed<'a> {
    prefix: String,
    out: &'a mut Provisioned,
}

impl<'de> DeserializeSeed<'de> for ModuleSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ModuleSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a module object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let (mut s_resources, mut s_calls) = (false, false);
        while let Some(field) = map.next_key::<ModuleField>()? {
            match field {
                ModuleField::Resources => {
                    once(&mut s_resources, "resources")?;
                    map.next_value_seed(Nullable(ResourcesSeed { prefix: &self.prefix, out: &mut *self.out }))?;
                }
                ModuleField::ModuleCalls => {
                    once(&mut s_calls, "module_calls")?;
                    map.next_value_seed(Nullable(CallsSeed { prefix: &self.prefix, out: &mut *self.out }))?;
                }
                ModuleField::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

/// `module_calls`: a map from a call's name to the call.
struct CallsSeed<'a> {
    prefix: &'a str,
    out: &'a mut Provisioned,
}

impl<'de> DeserializeSeed<'de> for CallsSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for CallsSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a map of module calls")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(name) = map.next_key::<String>()? {
            let prefix = format!("{}module.{name}.", self.prefix);
            map.next_value_seed(CallSeed { prefix, out: &mut *self.out })?;
        }
        Ok(())
    }
}

/// One module call: its `module`.
struct CallSeed<'a> {
    prefix: String,
    out: &'a mut Provisioned,
}

impl<'de> DeserializeSeed<'de> for CallSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for CallSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a module call object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen = false;
        let mut prefix = Some(self.prefix);
        while let Some(field) = map.next_key::<CallField>()? {
            match field {
                CallField::Module => {
                    once(&mut seen, "module")?;
                    let prefix = prefix.take().unwrap_or_default();
                    map.next_value_seed(Nullable(ModuleSeed { prefix, out: &mut *self.out }))?;
                }
                CallField::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

/// A module's `resources`.
struct ResourcesSeed<'a> {
    prefix: &'a str,
    out: &'a mut Provisioned,
}

impl<'de> DeserializeSeed<'de> for ResourcesSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for ResourcesSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of resources")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(resource) = seq.next_element::<ConfigResource>()? {
            let host = resource.address.as_deref().is_some_and(|a| {
                let steps = blastgate_change::address_steps(a);
                steps.len() == 2 && steps.first().is_some_and(|t| COMMAND_HOSTS.contains(t))
            });
            if let Some(address) = resource.address.as_deref().filter(|_| host)
                && self.out.hosts.len() < limits::MAX_RESOURCES
                && self.prefix.len().saturating_add(address.len()) <= limits::MAX_STRING_BYTES
            {
                self.out.hosts.insert(format!("{}{address}", self.prefix));
            }
            let Some(address) = resource.address.filter(|_| resource.provisioners_total > 0) else { continue };
            self.out.total = self.out.total.saturating_add(1);
            // Past the limit only counted: the reader refuses the plan.
            // An address longer than any the plan may hold matches none.
            if self.out.by_address.len() < limits::MAX_RESOURCES
                && self.prefix.len().saturating_add(address.len()) <= limits::MAX_STRING_BYTES
            {
                let entry = self.out.by_address.entry(format!("{}{address}", self.prefix)).or_default();
                for kind in resource.types {
                    if entry.0.len() < MAX_TYPES_KEPT && !entry.0.contains(&kind) {
                        entry.0.push(kind);
                    }
                }
                entry.1 = entry.1.saturating_add(resource.provisioners_total);
            }
        }
        Ok(())
    }
}

/// A resource of the configuration: its address and its provisioners'
/// types (the first few, each at most 64 bytes; all are counted).
struct ConfigResource {
    address: Option<String>,
    types: Vec<String>,
    provisioners_total: usize,
}

impl<'de> Deserialize<'de> for ConfigResource {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ResourceVisitor;
        impl<'de> Visitor<'de> for ResourceVisitor {
            type Value = ConfigResource;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a resource object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ConfigResource, A::Error> {
                let mut out = ConfigResource { address: None, types: Vec::new(), provisioners_total: 0 };
                let (mut s_address, mut s_provisioners) = (false, false);
                while let Some(field) = map.next_key::<ResourceField>()? {
                    match field {
                        ResourceField::Address => {
                            once(&mut s_address, "address")?;
                            out.address = Some(map.next_value()?);
                        }
                        ResourceField::Provisioners => {
                            once(&mut s_provisioners, "provisioners")?;
                            let list = map.next_value::<Option<Provisioners>>()?.unwrap_or_default();
                            out.types = list.types;
                            out.provisioners_total = list.total;
                        }
                        ResourceField::Other => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(out)
            }
        }
        deserializer.deserialize_map(ResourceVisitor)
    }
}

/// A resource's `provisioners`: the first few types and how many.
#[derive(Default)]
struct Provisioners {
    types: Vec<String>,
    total: usize,
}

/// The longest provisioner type kept for messages (Terraform's are a few
/// bytes: `local-exec`).
const MAX_TYPE_BYTES: usize = 64;

impl<'de> Deserialize<'de> for Provisioners {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ListVisitor;
        impl<'de> Visitor<'de> for ListVisitor {
            type Value = Provisioners;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list of provisioners")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Provisioners, A::Error> {
                let mut out = Provisioners::default();
                while let Some(kind) = seq.next_element::<ProvisionerType>()? {
                    out.total = out.total.saturating_add(1);
                    if let Some(kind) = kind.0.filter(|k| k.len() <= MAX_TYPE_BYTES && !k.is_empty())
                        && out.types.len() < MAX_TYPES_KEPT
                    {
                        out.types.push(kind);
                    }
                }
                Ok(out)
            }
        }
        deserializer.deserialize_seq(ListVisitor)
    }
}

/// One provisioner: its `type`, if it is a string.
struct ProvisionerType(Option<String>);

impl<'de> Deserialize<'de> for ProvisionerType {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TypeVisitor;
        impl<'de> Visitor<'de> for TypeVisitor {
            type Value = ProvisionerType;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a provisioner object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ProvisionerType, A::Error> {
                let mut out = None;
                let mut seen = false;
                while let Some(field) = map.next_key::<ProvisionerField>()? {
                    match field {
                        ProvisionerField::Type => {
                            once(&mut seen, "type")?;
                            out = map.next_value::<Option<String>>()?;
                        }
                        ProvisionerField::Other => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(ProvisionerType(out))
            }
        }
        deserializer.deserialize_map(TypeVisitor)
    }
}

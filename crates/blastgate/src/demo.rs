//! The embedded demo: a realistic e-commerce topology that `blastgate demo`
//! runs on, so the tool can be tried on a fresh machine with no files.

/// The demo topology as a native YAML graph document: storefront, search,
/// catalog, pricing, cart, checkout, payments, orders, accounts, inventory,
/// shipping, notifications and recommendations; their datastores, cache and
/// queues; a payment gateway, an email provider and the production cluster;
/// and the checkout, sign-in and browse journeys.
pub const TOPOLOGY: &str = include_str!("demo/topology.yaml");

/// The name the demo topology is loaded under (appears in messages).
pub const TOPOLOGY_NAME: &str = "demo-topology.yaml";

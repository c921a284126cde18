#![doc = include_str!("../../../README.md")]
#![deny(missing_docs)]

pub mod graph;
pub mod radius;
pub mod synth;

pub use graph::{GraphError, GraphFormat, GraphLoader, ServiceGraph};
pub mod demo;

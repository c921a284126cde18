//! A deterministic generator of large synthetic service graphs (power-law
//! hubs, a share of cycle-forming edges), for benchmarks at your own scale:
//! `blastgate synth --services N --edges M --seed S --out FILE`.

pub use blastgate_graph::synth::{EdgeOrder, Hubs, SynthConfig, write_edge_list};

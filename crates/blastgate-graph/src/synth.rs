//! A deterministic synthetic service graph, for benchmarks and stress tests.
//!
//! [`write_edge_list`] streams a plain edge list (`dependent dependency` per
//! line, the format of `blastgate_ingest::edgelist`) over services named
//! `s0`, `s1`, ... A lower number is a service deeper in the stack: `s0` is
//! the most shared one (think network, auth or the main database), the
//! highest numbers are callers that nothing depends on. The shape follows
//! the benchmark spec (1M services, 10M edges, power-law hubs of which the
//! largest has about 123,000 dependents, 1% cycle-forming edges) and real
//! service graphs, where most services have few transitive dependents and a
//! few shared ones have a huge number.
//!
//! # Shape
//!
//! Every line of dependent `s{c}` is one of three kinds:
//!
//! - **Shared** ([`SynthConfig::shared_share`], 60% of the downward lines
//!   by default): a dependency on a shared service, drawn by [`Hubs`] from
//!   `s0..s{c-1}`. The default is a Zipf-Mandelbrot law of exponent 2, so
//!   beyond the first few dozen services the in-degree of `s{i}` falls
//!   like `i^-2`: `s0` gets 1.34% of all lines (about 123,000 distinct
//!   dependents at 1M services and 10M edges), and nearly all shared lines
//!   go to the first few thousand services, the platform core.
//! - **Domain** (the other downward lines, about 4 per service by default):
//!   a dependency drawn uniformly from `s0..s{c-1}`, the ordinary calls
//!   between product services.
//! - **Cycle-forming** ([`SynthConfig::cycle_share`], 1% by default): an
//!   upward edge to a service `s{u}` at most [`SynthConfig::cycle_span`]
//!   numbers above (16 by default), and `s{u}`'s first line goes back down
//!   to `s{c}` (a callback between neighbouring services). So every such
//!   edge closes a cycle, strongly connected components of a few services
//!   are common, and none grows large: at 1M services and 10M edges, about
//!   81,000 components of 2 to 10 services. (A closing line is dropped in
//!   the rare case that `s{u}` has no line left for it.)
//!
//! # Why this shape
//!
//! The blast radius of a change to `s{v}` is everything that transitively
//! depends on it. With `k` domain edges per service drawn uniformly below,
//! the expected number of such services grows like `(n / v)^k` for `n`
//! services (each service above `v` reaches it with probability about
//! `(k / u) (u / v)^k`), so reach is heavy-tailed: the deepest few percent
//! of services reach most of the graph, a service in the middle reaches a
//! few dozen, the top ones nearly none. The shared edges add the hubs and
//! tie the core together; the cycles stay local. Measured at 1M services
//! and 10M edges (seed 1): `s0` to `s1000` each reach over 95% of the
//! graph, `s10000` about 85%, `s100000` 1% to 12%, `s500000` tens to a
//! few hundred services. For 100 changesets of 1 to 10 uniformly drawn services
//! (`benches/peers/changes.py`) the median changeset reaches 1.25% of the
//! graph, the mean 15%, and the fifth of them that touch the core over 30%
//! (at most 95%). As reach depends on a service's place `v / n` more than
//! on `n`, a smaller graph has a larger median share (5% at 100,000
//! services) and a larger one a smaller share.
//!
//! An earlier shape drew every dependency from a law of exponent 1 and sent
//! the upward edges anywhere above: nearly every service reached
//! everything below it, the upward edges then joined almost all of them
//! into one strongly connected component, and every query reached 99.8% of
//! the graph.
//!
//! # Order, size and determinism
//!
//! By default ([`EdgeOrder::ByDependent`]) lines are grouped by dependent,
//! `s1`'s first, as exports of real systems usually are; each dependent
//! has between none and about twice the average number of lines.
//! [`EdgeOrder::Random`] draws every line on its own instead, the worst case
//! for a parser's memory caches. No edge is a self-loop. Duplicate edges
//! occur (the builder merges them), mostly into the largest hubs. A service
//! that no line touches does not appear in the output, so the parsed graph
//! can have slightly fewer nodes than [`SynthConfig::services`].
//!
//! The same config gives the same bytes: the generator is PCG-64 (MCG,
//! `rand_pcg::Pcg64Mcg`) seeded from [`SynthConfig::seed`] through
//! SplitMix64, and integers are drawn with Lemire's unbiased method. The
//! power law uses `f64::exp_m1` and `ln_1p`, whose last bit may differ
//! between platforms' math libraries, so a rare edge may differ across
//! platforms (never between runs on one). Memory is constant: the only
//! state is the cycles still to close, from the last
//! [`SynthConfig::cycle_span`] dependents.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::io::{self, BufWriter, Write};

use rand_core::Rng;
use rand_pcg::Pcg64Mcg;

/// The size and shape of a synthetic graph. Start from
/// [`SynthConfig::new`] and set fields: more may come.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct SynthConfig {
    /// Number of services, named `s0` to `s{services - 1}`. At least 2 when
    /// `edges` is not zero.
    pub services: u32,
    /// Number of edge lines written (duplicates included).
    pub edges: u64,
    /// Seed of the random generator: the same config gives the same bytes.
    pub seed: u64,
    /// Share, in `[0, 1]`, of the drawn lines that are cycle-forming
    /// (default 0.01): they point up, from a service to one at most
    /// [`SynthConfig::cycle_span`] numbers above it, and that service's
    /// first line closes the cycle (a closing line is not drawn: it takes
    /// the place of one).
    pub cycle_share: f64,
    /// How far up a cycle-forming edge goes at most: at least 1.
    pub cycle_span: u32,
    /// Share, in `[0, 1]`, of the other (downward) edges whose dependency
    /// is a shared service drawn by [`SynthConfig::hubs`]; the rest are
    /// domain edges, whose dependency is drawn uniformly from the services
    /// below the dependent.
    pub shared_share: f64,
    /// How the dependencies of shared edges are spread.
    pub hubs: Hubs,
    /// The order of the lines.
    pub order: EdgeOrder,
}

impl SynthConfig {
    /// The default share of cycle-forming edges.
    pub const DEFAULT_CYCLE_SHARE: f64 = 0.01;
    /// The default bound on how far up a cycle-forming edge goes.
    pub const DEFAULT_CYCLE_SPAN: u32 = 16;
    /// The default share of shared edges among the downward ones.
    pub const DEFAULT_SHARED_SHARE: f64 = 0.6;

    /// A config of `services` services and `edges` edges with seed 0 and
    /// the default shape: 1% cycle-forming edges, 60% of the others to
    /// shared services by the default hubs, lines grouped by dependent.
    pub fn new(services: u32, edges: u64) -> Self {
        Self {
            services,
            edges,
            seed: 0,
            cycle_share: Self::DEFAULT_CYCLE_SHARE,
            cycle_span: Self::DEFAULT_CYCLE_SPAN,
            shared_share: Self::DEFAULT_SHARED_SHARE,
            hubs: Hubs::default(),
            order: EdgeOrder::default(),
        }
    }

    /// The same config with another seed.
    #[must_use]
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Checks the config as [`write_edge_list`] does before writing, so
    /// that a caller can refuse it before creating the output.
    ///
    /// # Errors
    /// As [`write_edge_list`]'s [`io::ErrorKind::InvalidInput`].
    pub fn check(&self) -> io::Result<()> {
        Plan::new(self).map(|_| ())
    }
}

/// How the dependencies of shared edges are spread over services.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum Hubs {
    /// Uniformly over the services below the dependent, like domain edges:
    /// no hubs (for comparison).
    Uniform,
    /// A power law over service numbers: `s0` is the dependency of about
    /// `top_share` of all edge lines (`top_share` in `(0, 1]`), `s1` of
    /// fewer, and so on. Service `i` of the `c` below a dependent is drawn
    /// with weight about `(i + q)^-exponent` (Zipf-Mandelbrot), with `q`
    /// solved at the start so that `s0` gets `top_share`.
    PowerLaw {
        /// Share of all edge lines whose dependency is `s0`. When the shared
        /// edges cannot give it, `s0` gets every shared edge (the share is
        /// too high) or the law is uniform (too low).
        top_share: f64,
        /// The exponent of the law, at least 1: the larger, the fewer
        /// services share the shared edges.
        exponent: f64,
    },
}

impl Hubs {
    /// The default share of the largest hub: 1.23% of the edges (about
    /// 123,000 edges at 10M), as in the benchmark spec.
    pub const DEFAULT_TOP_SHARE: f64 = 0.0134;
    /// The default exponent of the power law.
    pub const DEFAULT_EXPONENT: f64 = 2.0;
}

impl Default for Hubs {
    fn default() -> Self {
        Self::PowerLaw { top_share: Self::DEFAULT_TOP_SHARE, exponent: Self::DEFAULT_EXPONENT }
    }
}

/// The order of the lines of a synthetic edge list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum EdgeOrder {
    /// Grouped by dependent, dependents ascending from `s1` (the default).
    #[default]
    ByDependent,
    /// Every line drawn on its own: the dependent uniformly from `s1` up,
    /// then its dependency as in the grouped order. The worst case for a
    /// parser's memory caches.
    Random,
}

/// Writes the edge list of the synthetic graph `config` describes to `out`:
/// a comment line naming the config, then `config.edges` lines
/// `s{dependent} s{dependency}`. Output is buffered here; `out` need not be.
///
/// # Errors
/// [`io::ErrorKind::InvalidInput`] if `edges` is not zero and `services` is
/// below 2, a share, the span or the exponent is out of range (the
/// message names the field), or the graph would be past what blastgate
/// loads ([`limits::MAX_NODES`](crate::limits::MAX_NODES),
/// [`limits::MAX_EDGES`](crate::limits::MAX_EDGES)); any error of `out`.
///
/// # Complexity
/// `O(services + edges)` time; the list is streamed, in memory that does
/// not grow with the graph (the only state is the cycles still to close,
/// from the last `cycle_span` dependents).
///
/// # Example
/// ```
/// # use blastgate_graph::synth::{SynthConfig, write_edge_list};
///
/// let mut out = Vec::new();
/// write_edge_list(&SynthConfig::new(100, 500).with_seed(7), &mut out)?;
/// let lines = out.split(|&b| b == b'\n').filter(|l| l.first() == Some(&b's')).count();
/// assert_eq!(lines, 500);
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn write_edge_list(config: &SynthConfig, out: &mut impl Write) -> io::Result<()> {
    let plan = Plan::new(config)?;
    let mut rng = seeded(config.seed);
    let mut w = BufWriter::with_capacity(1 << 16, out);
    writeln!(
        w,
        "# blastgate synthetic graph: services={} edges={} seed={} cycle_share={} cycle_span={} shared_share={} \
         hubs={:?} order={:?}",
        config.services,
        config.edges,
        config.seed,
        config.cycle_share,
        config.cycle_span,
        config.shared_share,
        config.hubs,
        config.order
    )?;
    if config.edges > 0 {
        match config.order {
            EdgeOrder::ByDependent => plan.write_grouped(&mut rng, &mut w)?,
            EdgeOrder::Random => plan.write_random(&mut rng, &mut w)?,
        }
    }
    w.flush()
}

/// What to draw. INVARIANT: `top >= 1` and `edges >= 1` whenever edges are
/// written (checked in [`Plan::new`] and [`write_edge_list`]).
struct Plan {
    /// The highest service number: dependents are `1..=top`.
    top: u64,
    edges: u64,
    /// An edge is cycle-forming when a uniform `u64` is below this...
    cycle_below: u64,
    /// ...shared when it is below this, and a domain edge otherwise.
    shared_below: u64,
    cycle_span: u64,
    spread: Spread,
}

/// How the dependency of a shared edge is drawn from `0..c`.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Spread {
    /// Always 0.
    First,
    Uniform,
    Power(Law),
}

/// `2^64` as a float, to turn a share into a threshold on a uniform `u64`.
const TWO_TO_64: f64 = 18_446_744_073_709_551_616.0;

impl Plan {
    fn new(config: &SynthConfig) -> io::Result<Self> {
        let invalid = |message: String| io::Error::new(io::ErrorKind::InvalidInput, message);
        let share = |name: &str, value: f64| {
            if value.is_finite() && (0.0..=1.0).contains(&value) {
                Ok(value)
            } else {
                Err(invalid(format!("synthetic graph: `{name}` is {value} but must be a number in [0, 1]")))
            }
        };
        if config.edges > 0 && config.services < 2 {
            return Err(invalid(format!(
                "synthetic graph: `services` is {} but edges without self-loops need at least 2",
                config.services
            )));
        }
        // A graph past the loading limits could never be read back: refuse
        // it before writing gigabytes.
        if u64::from(config.services) > crate::limits::MAX_NODES || config.edges > crate::limits::MAX_EDGES {
            return Err(invalid(format!(
                "synthetic graph: {} services and {} edges is past what blastgate loads (at most {} nodes \
                 and {} edges, `limits::MAX_NODES` and `MAX_EDGES`)",
                config.services,
                config.edges,
                crate::limits::MAX_NODES,
                crate::limits::MAX_EDGES
            )));
        }
        let cycle_share = share("cycle_share", config.cycle_share)?;
        let shared_share = share("shared_share", config.shared_share)?;
        if config.cycle_span == 0 {
            return Err(invalid("synthetic graph: `cycle_span` is 0 but must be at least 1".to_owned()));
        }
        let top = u64::from(config.services).saturating_sub(1);
        let down = 1.0 - cycle_share;
        let spread = match config.hubs {
            Hubs::Uniform => Spread::Uniform,
            Hubs::PowerLaw { top_share, exponent } => {
                if !(top_share.is_finite() && top_share > 0.0 && top_share <= 1.0) {
                    return Err(invalid(format!(
                        "synthetic graph: `hubs.top_share` is {top_share} but must be a number in (0, 1]"
                    )));
                }
                if !(exponent.is_finite() && exponent >= 1.0) {
                    return Err(invalid(format!(
                        "synthetic graph: `hubs.exponent` is {exponent} but must be a number of at least 1"
                    )));
                }
                // What the shared edges must give `s0`, after the domain
                // edges' share (`1 / c` of dependent `c`'s).
                let from_domain = down * (1.0 - shared_share) * mean_over_dependents(top, |c| 1.0 / c);
                let shared = down * shared_share;
                if shared > 0.0 {
                    hub_spread((top_share - from_domain) / shared, exponent, top)
                } else {
                    Spread::Uniform
                }
            }
        };
        // `as` saturates: a share of 1 gives `u64::MAX`.
        let cycle_below = (cycle_share * TWO_TO_64) as u64;
        let shared_below = ((cycle_share + down * shared_share) * TWO_TO_64) as u64;
        Ok(Self {
            top,
            edges: config.edges,
            cycle_below,
            shared_below: shared_below.max(cycle_below),
            cycle_span: u64::from(config.cycle_span),
            spread,
        })
    }

    /// Lines grouped by dependent `s1`, `s2`, ... Dependent `c` gets the
    /// lines between `cum(c - 1)` and `cum(c)`, where
    /// `cum(c) = floor((edges * c + j) / top)` with `j` uniform in
    /// `0..edges`: non-decreasing, `edges` at the end, and each dependent's
    /// count is between 0 and about twice the average. Its first lines
    /// close the cycles that services below opened to it.
    fn write_grouped(&self, rng: &mut Pcg64Mcg, w: &mut impl Write) -> io::Result<()> {
        let top = self.top;
        let mut from = itoa::Buffer::new();
        let mut to = itoa::Buffer::new();
        // `(u, c)` for each cycle-forming edge `c -> u` whose closing edge
        // `u -> c` is still to come. INVARIANT: every `u` is above the
        // current dependent and at most `cycle_span` above it, so the heap
        // holds the up edges of the last `cycle_span` dependents only.
        let mut closing = BinaryHeap::new();
        let mut written = 0u64;
        for c in 1..=top {
            let cum = if c == top {
                self.edges
            } else {
                let jitter = below(rng, self.edges);
                let scaled = (u128::from(self.edges) * u128::from(c) + u128::from(jitter)) / u128::from(top);
                u64::try_from(scaled).unwrap_or(u64::MAX).min(self.edges)
            };
            let mut count = cum.saturating_sub(written);
            written = written.max(cum);
            let dependent = from.format(c).as_bytes();
            // A closing edge that finds no line left is dropped.
            while let Some(&Reverse((u, below_c))) = closing.peek() {
                if u != c {
                    break;
                }
                closing.pop();
                if count > 0 {
                    count -= 1;
                    write_line(w, dependent, to.format(below_c).as_bytes())?;
                }
            }
            let span = if count > 0 { self.spread.span(c) } else { 0.0 };
            for _ in 0..count {
                let dependency = self.dependency(rng, c, span);
                if dependency > c {
                    closing.push(Reverse((dependency, c)));
                }
                write_line(w, dependent, to.format(dependency).as_bytes())?;
            }
        }
        Ok(())
    }

    /// Every line on its own, but the line after a cycle-forming edge is
    /// the edge that closes its cycle.
    fn write_random(&self, rng: &mut Pcg64Mcg, w: &mut impl Write) -> io::Result<()> {
        let mut from = itoa::Buffer::new();
        let mut to = itoa::Buffer::new();
        let mut closing = None;
        for _ in 0..self.edges {
            let (dependent, dependency) = match closing.take() {
                Some(edge) => edge,
                None => {
                    let c = 1 + below(rng, self.top);
                    let dependency = self.dependency(rng, c, self.spread.span(c));
                    if dependency > c {
                        closing = Some((dependency, c));
                    }
                    (c, dependency)
                }
            };
            write_line(w, from.format(dependent).as_bytes(), to.format(dependency).as_bytes())?;
        }
        Ok(())
    }

    /// The dependency of one edge of dependent `c` in `1..=top`; `span` is
    /// [`Spread::span`] of `c`. The topmost service has nothing above it:
    /// its cycle-forming draws become shared edges.
    fn dependency(&self, rng: &mut Pcg64Mcg, c: u64, span: f64) -> u64 {
        let kind = rng.next_u64();
        if kind < self.cycle_below && c < self.top {
            c + 1 + below(rng, self.cycle_span.min(self.top - c))
        } else if kind < self.shared_below {
            self.spread.draw(rng, c, span)
        } else {
            below(rng, c)
        }
    }
}

fn write_line(w: &mut impl Write, dependent: &[u8], dependency: &[u8]) -> io::Result<()> {
    w.write_all(b"s")?;
    w.write_all(dependent)?;
    w.write_all(b" s")?;
    w.write_all(dependency)?;
    w.write_all(b"\n")
}

impl Spread {
    /// What [`Spread::draw`] needs to know about `c` (computed once per `c`).
    fn span(self, c: u64) -> f64 {
        match self {
            Self::Power(law) => law.mass(c as f64),
            Self::First | Self::Uniform => 0.0,
        }
    }

    /// A number in `0..c` (`c >= 1`); `span` is [`Spread::span`] of `c`.
    fn draw(self, rng: &mut Pcg64Mcg, c: u64, span: f64) -> u64 {
        match self {
            Self::First => 0,
            Self::Uniform => below(rng, c),
            Self::Power(law) => {
                // The inverse of the continuous law's distribution function.
                // `as` saturates and truncates towards zero: the floor.
                let d = law.inverse(unit(rng) * span) as u64;
                d.min(c - 1)
            }
        }
    }
}

/// The continuous Zipf-Mandelbrot law of density `(1 + x / q)^-s / q` on
/// `x >= 0`; `i` is drawn when a draw falls in `[i, i + 1)`.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Law {
    q: f64,
    /// `1 - s`, at most 0.
    one_minus_s: f64,
}

impl Law {
    /// The law's mass on `[0, x)`, `M(x)`: `ln(1 + x/q)` when `s = 1`, else
    /// `((1 + x/q)^(1-s) - 1) / (1 - s)`, in forms exact near 0.
    fn mass(self, x: f64) -> f64 {
        let log = (x / self.q).ln_1p();
        if self.one_minus_s > -1e-12 { log } else { (self.one_minus_s * log).exp_m1() / self.one_minus_s }
    }

    /// The `x` with `M(x) = y`.
    fn inverse(self, y: f64) -> f64 {
        let log = if self.one_minus_s > -1e-12 { y } else { (self.one_minus_s * y).ln_1p() / self.one_minus_s };
        self.q * log.exp_m1()
    }
}

/// The spread whose `s0` gets `share` of the shared edges, each drawn below
/// a dependent uniform in `1..=top`.
fn hub_spread(share: f64, exponent: f64, top: u64) -> Spread {
    if share >= 1.0 || top <= 1 {
        return Spread::First;
    }
    let law = |q: f64| Law { q, one_minus_s: 1.0 - exponent };
    // `P(0)` below dependent `c` is `M(1) / M(c)`.
    let first_share = |q: f64| -> f64 {
        let law = law(q);
        law.mass(1.0) * mean_over_dependents(top, |c| 1.0 / law.mass(c))
    };
    // The share falls from its largest (`q` near 0) to that of uniform
    // draws (`q` large); solve for `q` by bisection on its logarithm.
    let (mut lo, mut hi) = (-30.0f64, 40.0f64);
    if first_share(hi.exp()) >= share {
        return Spread::Uniform;
    }
    for _ in 0..100 {
        let mid = 0.5 * (lo + hi);
        if first_share(mid.exp()) > share {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    Spread::Power(law((0.5 * (lo + hi)).exp()))
}

/// `mean(f(c) for c in 1..=m)`: exact for `c` up to 4096, then by the
/// midpoint rule over 4096 panels (`f` is smooth there).
fn mean_over_dependents(m: u64, f: impl Fn(f64) -> f64) -> f64 {
    const EXACT: u64 = 4096;
    if m == 0 {
        return 0.0;
    }
    let mut sum: f64 = (1..=m.min(EXACT)).map(|c| f(c as f64)).sum();
    if m > EXACT {
        let (a, b) = (EXACT as f64 + 0.5, m as f64 + 0.5);
        let h = (b - a) / 4096.0;
        sum += (0..4096).map(|i| f(a + (f64::from(i) + 0.5) * h) * h).sum::<f64>();
    }
    sum / m as f64
}

/// The generator for `seed`: SplitMix64 spreads the seed over PCG's 128-bit
/// state, so nearby seeds give unrelated streams.
fn seeded(seed: u64) -> Pcg64Mcg {
    let mut s = seed;
    let hi = splitmix64(&mut s);
    let lo = splitmix64(&mut s);
    Pcg64Mcg::new((u128::from(hi) << 64) | u128::from(lo))
}

fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A uniform integer in `0..m` (`m >= 1`), unbiased (Lemire's method).
fn below(rng: &mut Pcg64Mcg, m: u64) -> u64 {
    loop {
        let wide = u128::from(rng.next_u64()) * u128::from(m);
        let low = wide as u64;
        // Reject the few low parts that would over-represent some results.
        if low >= m || low >= m.wrapping_neg() % m {
            return (wide >> 64) as u64;
        }
    }
}

/// A uniform float in `[0, 1)` with 53 random bits.
fn unit(rng: &mut Pcg64Mcg) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeSet, VecDeque};

    use super::*;

    const ORDERS: [EdgeOrder; 2] = [EdgeOrder::ByDependent, EdgeOrder::Random];

    fn config(services: u32, edges: u64, seed: u64, order: EdgeOrder) -> SynthConfig {
        SynthConfig { order, ..SynthConfig::new(services, edges).with_seed(seed) }
    }

    fn generate(config: &SynthConfig) -> Vec<u8> {
        let mut out = Vec::new();
        write_edge_list(config, &mut out).unwrap();
        out
    }

    /// `(dependent, dependency)` of every edge line.
    fn edges(bytes: &[u8]) -> Vec<(u64, u64)> {
        std::str::from_utf8(bytes)
            .unwrap()
            .lines()
            .filter(|l| !l.starts_with('#'))
            .map(|l| {
                let (a, b) = l.split_once(' ').unwrap();
                (a[1..].parse().unwrap(), b[1..].parse().unwrap())
            })
            .collect()
    }

    fn into(e: &[(u64, u64)], node: u64) -> usize {
        e.iter().filter(|&&(_, b)| b == node).count()
    }

    /// Adjacency lists of the distinct edges, `forward[a]` holding the
    /// dependencies of `a` and `reverse[b]` its dependents.
    fn adjacency(e: &[(u64, u64)], services: usize) -> (Vec<Vec<usize>>, Vec<Vec<usize>>) {
        let distinct: BTreeSet<_> = e.iter().map(|&(a, b)| (a as usize, b as usize)).collect();
        let (mut forward, mut reverse) = (vec![Vec::new(); services], vec![Vec::new(); services]);
        for (a, b) in distinct {
            forward[a].push(b);
            reverse[b].push(a);
        }
        (forward, reverse)
    }

    /// The nodes reachable from `start` over `adjacency`, `start` included.
    fn reach(adjacency: &[Vec<usize>], start: usize) -> BTreeSet<usize> {
        let mut seen = BTreeSet::from([start]);
        let mut queue = VecDeque::from([start]);
        while let Some(v) = queue.pop_front() {
            for &w in &adjacency[v] {
                if seen.insert(w) {
                    queue.push_back(w);
                }
            }
        }
        seen
    }

    #[test]
    fn same_config_same_bytes() {
        for order in ORDERS {
            let config = config(1000, 20_000, 42, order);
            let a = generate(&config);
            assert_eq!(a, generate(&config), "{order:?}");
            assert_ne!(a, generate(&config.with_seed(43)), "{order:?}");
        }
    }

    #[test]
    fn golden_streams_are_stable() {
        // Pins the streams: a change here changes every benchmark input, so
        // update it only on purpose.
        let text = String::from_utf8(generate(&SynthConfig::new(1000, 8).with_seed(1))).unwrap();
        let header = "# blastgate synthetic graph: services=1000 edges=8 seed=1 cycle_share=0.01 cycle_span=16 \
                      shared_share=0.6 hubs=PowerLaw { top_share: 0.0134, exponent: 2.0 }";
        assert_eq!(
            text,
            format!(
                "{header} order=ByDependent\ns125 s31\ns250 s100\ns374 s91\ns500 s42\ns624 s388\ns750 s435\ns874 s735\ns999 s162\n"
            )
        );
        let text = String::from_utf8(generate(&config(1000, 8, 1, EdgeOrder::Random))).unwrap();
        assert_eq!(
            text,
            format!(
                "{header} order=Random\ns52 s31\ns851 s204\ns462 s102\ns753 s326\ns848 s121\ns413 s133\ns809 s41\ns587 s29\n"
            )
        );
        // Cycle-forming edges and the lines that close them.
        let cycles = [
            "s1 s0 s2 s1 s2 s4 s3 s0 s4 s2 s4 s5 s5 s4 s6 s5 s6 s2 s6 s8 s8 s6 s9 s11 s9 s7 s10 s2 s10 s2 s11 s9",
            "s4 s2 s7 s5 s1 s0 s5 s7 s7 s5 s1 s2 s2 s1 s10 s9 s9 s0 s6 s0 s7 s9 s9 s7 s8 s4 s7 s9 s9 s7 s3 s4",
        ];
        for (order, expected) in ORDERS.into_iter().zip(cycles) {
            let mut c = config(12, 16, 2, order);
            c.cycle_share = 0.3;
            c.cycle_span = 3;
            let text = String::from_utf8(generate(&c)).unwrap();
            let lines: Vec<&str> = text.lines().skip(1).collect();
            assert_eq!(lines.join(" "), expected, "{order:?}");
        }
    }

    #[test]
    fn writes_the_requested_edges_without_self_loops() {
        for order in ORDERS {
            let e = edges(&generate(&config(500, 10_000, 3, order)));
            assert_eq!(e.len(), 10_000, "{order:?}");
            assert!(e.iter().all(|&(a, b)| a != b && a < 500 && b < 500), "{order:?}");
        }
    }

    #[test]
    fn grouped_order_is_by_dependent() {
        let e = edges(&generate(&config(1000, 10_000, 4, EdgeOrder::ByDependent)));
        assert!(e.windows(2).all(|w| w[0].0 <= w[1].0));
        let dependents = e.iter().map(|&(a, _)| a).collect::<BTreeSet<_>>();
        assert!(dependents.len() > 900, "{} dependents", dependents.len());
    }

    #[test]
    fn cycle_forming_edges_go_a_bounded_distance_up_and_are_closed() {
        for order in ORDERS {
            let mut config = config(10_000, 100_000, 5, order);
            config.cycle_share = 0.1;
            config.cycle_span = 8;
            let e = edges(&generate(&config));
            let up: Vec<_> = e.iter().filter(|&&(a, b)| a < b).collect();
            // 10% of the drawn lines; each also takes a closing line.
            assert!((8_000..10_500).contains(&up.len()), "{order:?}: {} upward edges", up.len());
            assert!(up.iter().all(|&&(a, b)| b - a <= 8), "{order:?}");
            let all: BTreeSet<_> = e.iter().copied().collect();
            let closed = up.iter().filter(|&&&(a, b)| all.contains(&(b, a))).count();
            assert!(closed * 100 >= up.len() * 98, "{order:?}: {closed} of {} closed", up.len());
            config.cycle_share = 0.0;
            let e = edges(&generate(&config));
            assert!(e.iter().all(|&(a, b)| a > b), "{order:?}");
        }
    }

    #[test]
    fn largest_hub_gets_its_share() {
        for order in ORDERS {
            let mut config = config(100_000, 1_000_000, 9, order);
            config.cycle_share = 0.0;
            let e = edges(&generate(&config));
            // 1.34% of 1M is 13,400.
            let first = into(&e, 0);
            assert!((12_400..14_400).contains(&first), "{order:?}: {first} edges into s0");
            let second = into(&e, 1);
            assert!(second < first && second > first / 2, "{order:?}: {second} edges into s1");
            let hundredth = into(&e, 100);
            assert!(hundredth < second / 2, "{order:?}: {hundredth} edges into s100");
        }
    }

    #[test]
    fn a_steeper_exponent_keeps_hub_edges_on_fewer_services() {
        let mut c = config(100_000, 1_000_000, 10, EdgeOrder::ByDependent);
        c.shared_share = 1.0;
        let beyond = |exponent: f64| {
            let mut c = c;
            c.hubs = Hubs::PowerLaw { top_share: Hubs::DEFAULT_TOP_SHARE, exponent };
            let e = edges(&generate(&c));
            let first = into(&e, 0);
            assert!((12_400..14_400).contains(&first), "exponent {exponent}: {first} edges into s0");
            e.iter().filter(|&&(a, b)| b >= 1000 && b < a).count()
        };
        let (zipf, steep) = (beyond(1.0), beyond(2.0));
        // With exponent 1 about half the edges go beyond s999; with 2, a
        // few percent.
        assert!(zipf > 400_000 && steep < 100_000, "{zipf} and {steep} edges beyond s999");
    }

    #[test]
    fn default_shape_has_heavy_tailed_reach_and_small_cycles() {
        let services = 20_000;
        let e = edges(&generate(&SynthConfig::new(services, 200_000).with_seed(12)));
        let (forward, reverse) = adjacency(&e, services as usize);
        // The largest hubs reach nearly everything...
        for hub in 0..3 {
            let r = reach(&reverse, hub).len();
            assert!(r > 19_000, "s{hub} reaches {r}");
        }
        // ...most services few: the median service reaches under 1%.
        let mut sizes: Vec<usize> = (0..200).map(|i| reach(&reverse, 100 * i + 37).len()).collect();
        sizes.sort_unstable();
        assert!(sizes[100] < 200, "median reach {}", sizes[100]);
        // Cycles exist, but no strongly connected component is large.
        let mut largest = 0;
        let mut cyclic = 0;
        for v in (0..services as usize).step_by(97).chain(0..50) {
            let reached = reach(&reverse, v);
            let component = reach(&forward, v).intersection(&reached).count();
            largest = largest.max(component);
            cyclic += usize::from(component > 1);
        }
        assert!(cyclic > 5 && largest < 30, "{cyclic} nodes on cycles, largest component {largest}");
    }

    #[test]
    fn uniform_hubs_spread_evenly() {
        for order in ORDERS {
            let mut c = config(1000, 100_000, 11, order);
            c.hubs = Hubs::Uniform;
            c.cycle_share = 0.0;
            // Every dependent draws uniformly below itself: s0 gets about
            // 100 * H(999) = 750 edges, far fewer than with hubs.
            let first = into(&edges(&generate(&c)), 0);
            assert!((600..900).contains(&first), "{order:?}: {first} edges into s0");
            c.hubs = Hubs::default();
            c.shared_share = 0.0;
            let first = into(&edges(&generate(&c)), 0);
            assert!((600..900).contains(&first), "{order:?}: {first} edges into s0");
        }
    }

    #[test]
    fn tiny_and_degenerate_configs() {
        for order in ORDERS {
            assert_eq!(edges(&generate(&config(0, 0, 0, order))), vec![]);
            assert_eq!(edges(&generate(&config(2, 3, 0, order))), vec![(1, 0); 3], "{order:?}");
            let mut all = config(10, 100, 0, order);
            all.hubs = Hubs::PowerLaw { top_share: 1.0, exponent: 2.0 };
            all.shared_share = 1.0;
            all.cycle_share = 0.0;
            assert!(edges(&generate(&all)).iter().all(|&(_, b)| b == 0), "{order:?}");
            all.cycle_share = 1.0;
            all.cycle_span = 100;
            // Every line goes up or closes a cycle, but the topmost
            // service's: it has nothing above it to point up to.
            let e = edges(&generate(&all));
            let set: BTreeSet<_> = e.iter().copied().collect();
            assert!(e.iter().all(|&(a, b)| a < b || a == 9 || set.contains(&(b, a))), "{order:?}: {e:?}");
            assert!(e.iter().any(|&(a, b)| a < b), "{order:?}");
        }
    }

    #[test]
    fn invalid_configs_are_errors() {
        let mut out = Vec::new();
        let e = write_edge_list(&SynthConfig::new(1, 1), &mut out).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidInput);
        assert!(e.to_string().contains("`services`"), "{e}");
        let message = |c: &SynthConfig| write_edge_list(c, &mut Vec::new()).unwrap_err().to_string();
        let good = SynthConfig::new(10, 10);
        assert!(message(&SynthConfig { cycle_share: f64::NAN, ..good }).contains("`cycle_share`"));
        assert!(message(&SynthConfig { shared_share: 1.5, ..good }).contains("`shared_share`"));
        assert!(message(&SynthConfig { cycle_span: 0, ..good }).contains("`cycle_span`"));
        let hubs = Hubs::PowerLaw { top_share: 0.0, exponent: 2.0 };
        assert!(message(&SynthConfig { hubs, ..good }).contains("`hubs.top_share`"));
        let hubs = Hubs::PowerLaw { top_share: 0.1, exponent: 0.5 };
        assert!(message(&SynthConfig { hubs, ..good }).contains("`hubs.exponent`"));
        // Past the loading limits: refused before a line is written.
        let mut out = Vec::new();
        let huge = SynthConfig::new(10, crate::limits::MAX_EDGES + 1);
        assert!(write_edge_list(&huge, &mut out).unwrap_err().to_string().contains("MAX_EDGES"));
        assert!(out.is_empty());
        assert_eq!(huge.check().unwrap_err().kind(), io::ErrorKind::InvalidInput);
        good.check().unwrap();
        let wide = SynthConfig::new(u32::try_from(crate::limits::MAX_NODES + 1).unwrap(), 10);
        assert!(message(&wide).contains("past what blastgate loads"));
    }
}

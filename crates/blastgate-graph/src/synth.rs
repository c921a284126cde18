//! A deterministic synthetic service graph, for benchmarks and stress tests.
//!
//! [`write_edge_list`] streams a plain edge list (`dependent dependency` per
//! line, the format of `blastgate_ingest::edgelist`) over services named
//! `s0`, `s1`, ... Its shape follows the benchmark spec:
//!
//! - **Layered.** Most edges point from a higher-numbered service to a
//!   lower-numbered one: dependents call dependencies further down, so
//!   those edges alone form no cycle.
//! - **Hubs.** Dependencies follow a power law over service numbers
//!   (Zipf-Mandelbrot, exponent 1), so in-degree is power-law distributed
//!   and `s0`, `s1`, ... are hubs. With the default [`Hubs`], `s0` is the
//!   dependency of about 1.23% of all edges (about 120,000 dependents at
//!   1M services and 10M edges), and most edges go to the first few
//!   thousand services, which keeps the file near the spec's 138 MB.
//! - **Cycles.** A share [`SynthConfig::cycle_share`] of the edges (1% by
//!   default) points the other way, from a lower-numbered service to a
//!   uniformly drawn higher-numbered one; with enough edges these close
//!   cycles and join most services into one large strongly connected
//!   component.
//! - **Order.** By default ([`EdgeOrder::ByDependent`]) lines are grouped
//!   by dependent, `s1`'s edges first, as exports of real systems usually
//!   are; each dependent has between none and about twice the average
//!   number of dependencies. [`EdgeOrder::Random`] draws every line on its
//!   own instead, the worst case for a parser's memory caches.
//!
//! No edge is a self-loop. Duplicate edges occur (the builder merges them),
//! mostly into the largest hubs. A service that no drawn edge touches does
//! not appear in the output, so the parsed graph can have slightly fewer
//! nodes than [`SynthConfig::services`].
//!
//! The same config gives the same bytes: the generator is PCG-64 (MCG,
//! `rand_pcg::Pcg64Mcg`) seeded from [`SynthConfig::seed`] through
//! SplitMix64, and integers are drawn with Lemire's unbiased method. The
//! power law uses `f64::exp_m1` and `ln_1p`, whose last bit may differ
//! between platforms' math libraries, so a rare edge may differ across
//! platforms (never between runs on one).

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
    /// Share of edges, in `[0, 1]`, that point from a lower-numbered service
    /// to a higher-numbered one and so can close cycles (default 0.01).
    pub cycle_share: f64,
    /// How the dependencies of the layered edges are spread.
    pub hubs: Hubs,
    /// The order of the lines.
    pub order: EdgeOrder,
}

impl SynthConfig {
    /// The default share of cycle-forming edges.
    pub const DEFAULT_CYCLE_SHARE: f64 = 0.01;

    /// A config of `services` services and `edges` edges with seed 0, 1%
    /// cycle-forming edges, the default hubs and lines grouped by
    /// dependent.
    pub fn new(services: u32, edges: u64) -> Self {
        Self {
            services,
            edges,
            seed: 0,
            cycle_share: Self::DEFAULT_CYCLE_SHARE,
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
}

/// How the dependencies of layered edges are spread over services.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum Hubs {
    /// Uniformly over the services below the dependent: no hubs (for
    /// comparison).
    Uniform,
    /// A power law over service numbers: `s0` is the dependency of about
    /// `top_share` of the layered edges (`top_share` in `(0, 1]`), `s1` of
    /// fewer, and so on. Service `i` of `m` candidates is drawn with weight
    /// about `1 / (i + q)` (Zipf-Mandelbrot with exponent 1, sampled as
    /// `floor(q * (exp(u * ln(1 + m / q)) - 1))` for `u` uniform in
    /// `[0, 1)`), with `q` solved at the start so that `s0` gets
    /// `top_share`. A `top_share` no larger than uniform draws give means
    /// uniform.
    PowerLaw {
        /// Share of layered edges whose dependency is `s0`.
        top_share: f64,
    },
}

impl Hubs {
    /// The default share of the largest hub: 1.23% of the edges (about
    /// 123,000 edges at 10M), as in the benchmark spec.
    pub const DEFAULT_TOP_SHARE: f64 = 0.0123;
}

impl Default for Hubs {
    fn default() -> Self {
        Self::PowerLaw { top_share: Self::DEFAULT_TOP_SHARE }
    }
}

/// The order of the lines of a synthetic edge list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum EdgeOrder {
    /// Grouped by dependent, dependents ascending from `s1` (the default).
    /// Each layered edge of dependent `s{c}` goes to a dependency below
    /// `c`, drawn by the hub law over `0..c`.
    #[default]
    ByDependent,
    /// Every line drawn on its own: the dependency by the hub law over all
    /// services but the last, the dependent uniformly above it.
    Random,
}

/// Writes the edge list of the synthetic graph `config` describes to `out`:
/// a comment line naming the config, then `config.edges` lines
/// `s{dependent} s{dependency}`. Output is buffered here; `out` need not be.
///
/// # Errors
/// [`io::ErrorKind::InvalidInput`] if `edges` is not zero and `services` is
/// below 2, or `cycle_share` or a hub share is out of range (the message
/// names the field); any error of `out`.
///
/// # Complexity
/// `O(services + edges)` time and `O(1)` memory: the list is streamed.
///
/// # Example
/// ```
/// use blastgate_graph::synth::{SynthConfig, write_edge_list};
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
        "# blastgate synthetic graph: services={} edges={} seed={} cycle_share={} hubs={:?} order={:?}",
        config.services, config.edges, config.seed, config.cycle_share, config.hubs, config.order
    )?;
    if config.edges > 0 {
        match config.order {
            EdgeOrder::ByDependent => plan.write_grouped(&mut rng, &mut w)?,
            EdgeOrder::Random => plan.write_random(&mut rng, &mut w)?,
        }
    }
    w.flush()
}

/// What to draw. INVARIANT: `services >= 2` and `edges >= 1` whenever
/// edges are written (checked in [`Plan::new`] and [`write_edge_list`]).
struct Plan {
    services: u64,
    edges: u64,
    /// An edge is cycle-forming when a uniform `u64` is below this.
    cycle_below: u64,
    spread: Spread,
}

/// How a dependency is drawn from `0..m`.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Spread {
    /// Always 0.
    First,
    Uniform,
    /// Zipf-Mandelbrot with exponent 1: `i` with weight `1 / (i + q)`,
    /// drawn as `floor(q * (exp(u * span) - 1))` with
    /// `span = ln(1 + m / q)`.
    Zipf {
        q: f64,
    },
}

impl Plan {
    fn new(config: &SynthConfig) -> io::Result<Self> {
        let invalid = |message: String| io::Error::new(io::ErrorKind::InvalidInput, message);
        if config.edges > 0 && config.services < 2 {
            return Err(invalid(format!(
                "synthetic graph: `services` is {} but edges without self-loops need at least 2",
                config.services
            )));
        }
        if !(config.cycle_share.is_finite() && (0.0..=1.0).contains(&config.cycle_share)) {
            return Err(invalid(format!(
                "synthetic graph: `cycle_share` is {} but must be a number in [0, 1]",
                config.cycle_share
            )));
        }
        let services = u64::from(config.services);
        // Both orders draw from `services - 1` candidates at most: the
        // dependents `s1..` of the grouped order, the dependencies `..s{n-2}`
        // of the random order.
        let m = services.saturating_sub(1);
        let spread = match config.hubs {
            Hubs::Uniform => Spread::Uniform,
            Hubs::PowerLaw { top_share } => {
                if !(top_share.is_finite() && top_share > 0.0 && top_share <= 1.0) {
                    return Err(invalid(format!(
                        "synthetic graph: `hubs.top_share` is {top_share} but must be a number in (0, 1]"
                    )));
                }
                hub_spread(top_share, m, config.order)
            }
        };
        // `as` saturates: a share of 1 gives `u64::MAX`.
        let cycle_below = (config.cycle_share * 18_446_744_073_709_551_616.0) as u64;
        Ok(Self { services, edges: config.edges, cycle_below, spread })
    }

    /// Lines grouped by dependent `s1`, `s2`, ... Dependent `c` gets the
    /// edges between `cum(c - 1)` and `cum(c)`, where
    /// `cum(c) = floor((edges * c + j) / m)` with `j` uniform in
    /// `0..edges`: non-decreasing, `edges` at the end, and each dependent's
    /// count is between 0 and about twice the average.
    fn write_grouped(&self, rng: &mut Pcg64Mcg, w: &mut impl Write) -> io::Result<()> {
        let m = self.services - 1;
        let mut from = itoa::Buffer::new();
        let mut to = itoa::Buffer::new();
        let mut written = 0u64;
        for c in 1..=m {
            let cum = if c == m {
                self.edges
            } else {
                let jitter = below(rng, self.edges);
                let scaled = (u128::from(self.edges) * u128::from(c) + u128::from(jitter)) / u128::from(m);
                u64::try_from(scaled).unwrap_or(u64::MAX).min(self.edges)
            };
            let dependent = from.format(c).as_bytes();
            let span = if cum > written { self.spread.span(c) } else { 0.0 };
            for _ in written..cum {
                let dependency = if c < m && rng.next_u64() < self.cycle_below {
                    c + 1 + below(rng, m - c)
                } else {
                    self.spread.draw(rng, c, span)
                };
                write_line(w, dependent, to.format(dependency).as_bytes())?;
            }
            written = written.max(cum);
        }
        Ok(())
    }

    /// Every line on its own.
    fn write_random(&self, rng: &mut Pcg64Mcg, w: &mut impl Write) -> io::Result<()> {
        let n = self.services;
        let mut from = itoa::Buffer::new();
        let mut to = itoa::Buffer::new();
        let span = self.spread.span(n - 1);
        for _ in 0..self.edges {
            let (dependent, dependency) = if rng.next_u64() < self.cycle_below {
                let low = below(rng, n - 1);
                (low, low + 1 + below(rng, n - 1 - low))
            } else {
                let dependency = self.spread.draw(rng, n - 1, span);
                (dependency + 1 + below(rng, n - 1 - dependency), dependency)
            };
            write_line(w, from.format(dependent).as_bytes(), to.format(dependency).as_bytes())?;
        }
        Ok(())
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
    /// What [`Spread::draw`] needs to know about `m` (computed once per `m`).
    fn span(self, m: u64) -> f64 {
        match self {
            Self::Zipf { q } => (m as f64 / q).ln_1p(),
            Self::First | Self::Uniform => 0.0,
        }
    }

    /// A number in `0..m` (`m >= 1`); `span` is [`Spread::span`] of `m`.
    fn draw(self, rng: &mut Pcg64Mcg, m: u64, span: f64) -> u64 {
        match self {
            Self::First => 0,
            Self::Uniform => below(rng, m),
            Self::Zipf { q } => {
                // The inverse of the continuous law's distribution function.
                // `as` saturates and truncates towards zero: the floor.
                let d = (q * (unit(rng) * span).exp_m1()) as u64;
                d.min(m - 1)
            }
        }
    }
}

/// The law whose largest hub gets `top_share` of the layered edges, with
/// `m` candidates (see [`EdgeOrder`] for how each order draws).
fn hub_spread(top_share: f64, m: u64, order: EdgeOrder) -> Spread {
    if top_share >= 1.0 || m <= 1 {
        return Spread::First;
    }
    let mf = m as f64;
    // `P(0)` when drawing from `0..x`: `ln(1 + 1/q) / ln(1 + x/q)`.
    let first_share = |q: f64| -> f64 {
        let first = (1.0 / q).ln_1p();
        match order {
            // `x = m` for every edge.
            EdgeOrder::Random => first / (mf / q).ln_1p(),
            // `x = c` for dependent `c`, each with about `edges / m` edges.
            EdgeOrder::ByDependent => first * mean_over_dependents(m, |c| 1.0 / (c / q).ln_1p()),
        }
    };
    // The share falls from 1 (`q` near 0) to that of uniform draws (`q`
    // large); solve for `q` by bisection on its logarithm.
    let (mut lo, mut hi) = (-30.0f64, 40.0f64);
    if first_share(hi.exp()) >= top_share {
        return Spread::Uniform;
    }
    for _ in 0..100 {
        let mid = 0.5 * (lo + hi);
        if first_share(mid.exp()) > top_share {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    Spread::Zipf { q: (0.5 * (lo + hi)).exp() }
}

/// `mean(f(c) for c in 1..=m)`: exact for `c` up to 4096, then by the
/// midpoint rule over 4096 panels (`f` is smooth there).
fn mean_over_dependents(m: u64, f: impl Fn(f64) -> f64) -> f64 {
    const EXACT: u64 = 4096;
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
        let header = "# blastgate synthetic graph: services=1000 edges=8 seed=1 cycle_share=0.01 \
                      hubs=PowerLaw { top_share: 0.0123 }";
        assert_eq!(
            text,
            format!(
                "{header} order=ByDependent\ns125 s40\ns250 s59\ns374 s146\ns500 s79\ns624 s514\ns750 s224\ns874 s830\ns999 s346\n"
            )
        );
        let text = String::from_utf8(generate(&config(1000, 8, 1, EdgeOrder::Random))).unwrap();
        assert_eq!(
            text,
            format!(
                "{header} order=Random\ns714 s261\ns757 s14\ns668 s122\ns624 s336\ns632 s35\ns725 s34\ns441 s159\ns282 s13\n"
            )
        );
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
        let dependents = e.iter().map(|&(a, _)| a).collect::<std::collections::BTreeSet<_>>();
        assert!(dependents.len() > 900, "{} dependents", dependents.len());
    }

    #[test]
    fn cycle_share_points_edges_upwards() {
        for order in ORDERS {
            let mut config = config(10_000, 100_000, 5, order);
            config.cycle_share = 0.1;
            let e = edges(&generate(&config));
            let up = e.iter().filter(|&&(a, b)| a < b).count();
            assert!((9_000..11_000).contains(&up), "{order:?}: {up} upward edges");
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
            // 1.23% of 1M is 12,300.
            let first = into(&e, 0);
            assert!((11_300..13_300).contains(&first), "{order:?}: {first} edges into s0");
            let second = into(&e, 1);
            assert!(second < first && second > first / 4, "{order:?}: {second} edges into s1");
            let tenth = into(&e, 10);
            assert!(tenth < second, "{order:?}: {tenth} edges into s10");
        }
    }

    #[test]
    fn uniform_hubs_spread_evenly() {
        let mut c = config(1000, 100_000, 11, EdgeOrder::Random);
        c.hubs = Hubs::Uniform;
        c.cycle_share = 0.0;
        let first = into(&edges(&generate(&c)), 0);
        assert!((50..200).contains(&first), "{first} edges into s0");
        // Grouped, a dependent draws uniformly below itself: s0 gets about
        // 100 * H(999) = 750 edges, far fewer than with hubs.
        c.order = EdgeOrder::ByDependent;
        let first = into(&edges(&generate(&c)), 0);
        assert!((600..900).contains(&first), "{first} edges into s0");
    }

    #[test]
    fn tiny_and_degenerate_configs() {
        for order in ORDERS {
            assert_eq!(edges(&generate(&config(0, 0, 0, order))), vec![]);
            assert_eq!(edges(&generate(&config(2, 3, 0, order))), vec![(1, 0); 3], "{order:?}");
            let mut all = config(10, 100, 0, order);
            all.hubs = Hubs::PowerLaw { top_share: 1.0 };
            all.cycle_share = 0.0;
            assert!(edges(&generate(&all)).iter().all(|&(_, b)| b == 0), "{order:?}");
            all.cycle_share = 1.0;
            // The topmost service has nothing above it to point up to.
            assert!(edges(&generate(&all)).iter().all(|&(a, b)| a < b || a == 9), "{order:?}");
        }
    }

    #[test]
    fn invalid_configs_are_errors() {
        let mut out = Vec::new();
        let e = write_edge_list(&SynthConfig::new(1, 1), &mut out).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidInput);
        assert!(e.to_string().contains("`services`"), "{e}");
        let mut c = SynthConfig::new(10, 10);
        c.cycle_share = f64::NAN;
        assert!(write_edge_list(&c, &mut out).unwrap_err().to_string().contains("`cycle_share`"));
        c.cycle_share = 0.0;
        c.hubs = Hubs::PowerLaw { top_share: 0.0 };
        assert!(write_edge_list(&c, &mut out).unwrap_err().to_string().contains("`hubs.top_share`"));
    }
}

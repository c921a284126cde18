//! Fixed-length arrays in a policy that refuse extra items as well as
//! missing ones, naming the key and both lengths.
//!
//! serde reads `[T; N]` by taking the first `N` items of a sequence and
//! leaves the rest to the format, and the TOML reader drops them: a fifth
//! matrix column or `likelihood = [0.05, 0.15, 0.35, nan, "junk"]` was
//! accepted. These readers count what follows.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, SeqAccess, Visitor};

use crate::depth::ReviewDepth;

/// `tiers.weights`: exactly 4 weights.
pub(super) fn tier_weights<'de, D: Deserializer<'de>>(d: D) -> Result<[f64; 4], D::Error> {
    array(d, "tiers.weights")
}

/// `tiers.names`: exactly 4 names.
pub(super) fn tier_names<'de, D: Deserializer<'de>>(d: D) -> Result<[String; 4], D::Error> {
    array(d, "tiers.names")
}

/// `bands.likelihood`: exactly 3 cut points.
pub(super) fn likelihood_cuts<'de, D: Deserializer<'de>>(d: D) -> Result<[f64; 3], D::Error> {
    array(d, "bands.likelihood")
}

/// `bands.impact`: exactly 3 cut points.
pub(super) fn impact_cuts<'de, D: Deserializer<'de>>(d: D) -> Result<[f64; 3], D::Error> {
    array(d, "bands.impact")
}

/// `matrix`: exactly 4 rows (`matrix[r]`) of exactly 4 depths.
pub(super) fn matrix<'de, D: Deserializer<'de>>(d: D) -> Result<[[ReviewDepth; 4]; 4], D::Error> {
    d.deserialize_seq(Exact { key: "matrix", seed: |r| Row { key: format!("matrix[{r}]") } })
}

/// An array of exactly `N` items of `T` under `key`.
fn array<'de, D, T, const N: usize>(d: D, key: &str) -> Result<[T; N], D::Error>
where
    D: Deserializer<'de>,
    T: de::Deserialize<'de>,
{
    d.deserialize_seq(Exact { key, seed: |_| PhantomData::<T> })
}

/// One matrix row, named by its place.
struct Row {
    key: String,
}

impl<'de> DeserializeSeed<'de> for Row {
    type Value = [ReviewDepth; 4];

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        array(d, &self.key)
    }
}

/// Reads `N` items, each with the seed `seed(i)`, then counts any more.
struct Exact<'k, F, const N: usize> {
    key: &'k str,
    seed: F,
}

/// What a wrong length is compared with, in serde's `invalid length`
/// message: "invalid length 6, expected 3 items in `bands.likelihood`".
struct Items<'k> {
    key: &'k str,
    n: usize,
}

impl de::Expected for Items<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} items in `{}`", self.n, self.key)
    }
}

impl<'de, F, S, const N: usize> Visitor<'de> for Exact<'_, F, N>
where
    F: FnMut(usize) -> S,
    S: DeserializeSeed<'de>,
{
    type Value = [S::Value; N];

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "an array of {N} items in `{}`", self.key)
    }

    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<Self::Value, A::Error> {
        let expected = Items { key: self.key, n: N };
        let mut items = Vec::with_capacity(N);
        while items.len() < N {
            match seq.next_element_seed((self.seed)(items.len()))? {
                Some(item) => items.push(item),
                None => return Err(de::Error::invalid_length(items.len(), &expected)),
            }
        }
        let mut len = N;
        while seq.next_element::<IgnoredAny>()?.is_some() {
            len = len.saturating_add(1);
        }
        if len != N {
            return Err(de::Error::invalid_length(len, &expected));
        }
        // INVARIANT: exactly N items were pushed above.
        items.try_into().map_err(|_| de::Error::invalid_length(len, &expected))
    }
}

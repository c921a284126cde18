//! The name table of the edge-list parser.

use std::hash::BuildHasher;

use super::{Name, Span};

/// Bytes of a name kept in its table slot; longer names are compared with
/// their first occurrence in the input.
pub(super) const INLINE: usize = 24;

/// A name as the table compares it: its first [`INLINE`] bytes, zero
/// padded, and its length.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Key {
    words: [u64; 3],
    pub(super) len: u32,
}

impl Key {
    /// The key of the name at `span` in `input`. Always inlined: returned
    /// through memory, its words would be stored one by one and read back
    /// two at a time, which the processor cannot forward (measured: a fifth
    /// of the parser's time).
    #[inline(always)]
    pub(super) fn at(input: &[u8], (start, end): Span) -> Self {
        let len = end.saturating_sub(start);
        let mut words = [0u64; 3];
        for (i, w) in words.iter_mut().enumerate() {
            let offset = i * 8;
            if offset >= len {
                break;
            }
            *w = word_at(input, start + offset, (len - offset).min(8));
        }
        // Inputs are at most 2 GiB, so every length fits.
        Self { words, len: u32::try_from(len).unwrap_or(u32::MAX) }
    }

    /// Equality word by word (the derived `==` compares two words at a
    /// time, which stalls on words just stored one by one).
    #[inline(always)]
    pub(super) fn same(&self, other: &Key) -> bool {
        let [a0, a1, a2] = self.words;
        let [b0, b1, b2] = other.words;
        self.len == other.len && a0 == b0 && a1 == b1 && a2 == b2
    }
}

/// The `len` bytes (at most 8) at `pos` as a little-endian word padded
/// with zeros: one unaligned load, masked, where eight bytes are there.
#[inline(always)]
fn word_at(input: &[u8], pos: usize, len: usize) -> u64 {
    if let Some(Ok(chunk)) = input.get(pos..pos + 8).map(<[u8; 8]>::try_from) {
        let word = u64::from_le_bytes(chunk);
        return if len >= 8 { word } else { word & ((1u64 << (len * 8)) - 1) };
    }
    let bytes = input.get(pos..pos + len).unwrap_or_default();
    bytes.iter().rev().fold(0, |acc, &b| (acc << 8) | u64::from(b))
}

/// One slot of the name table, 32 bytes aligned: two to a cache line, so a
/// lookup that finds its name at once reads one line. Empty when
/// `len` is 0 (names are never empty).
#[derive(Debug, Clone, Copy, Default)]
#[repr(C, align(32))]
struct Slot {
    words: [u64; 3],
    len: u32,
    id: u32,
}

const _: () = assert!(std::mem::size_of::<Slot>() == 32);

impl Slot {
    fn new(key: Key, id: u32) -> Self {
        Self { words: key.words, len: key.len, id }
    }

    fn key(&self) -> Key {
        Key { words: self.words, len: self.len }
    }
}

/// A name table: open addressing with linear probing, at most 70% full.
/// It exists so that [`Parser::flush`] can touch a name's slot before the
/// lookup, which `std`'s map does not allow.
///
/// INVARIANT: `slots.len()` is a power of two and `mask` is one less;
/// `first[id]` is the input offset of the first occurrence of the name
/// with fragment id `id` (ids are dense: the fragment numbers names in the
/// order they are first declared, and only this table declares them).
pub(super) struct Names {
    slots: Vec<Slot>,
    mask: usize,
    used: usize,
    first: Vec<usize>,
    /// Keys of the hash, random per table so that crafted names cannot
    /// force long probe runs.
    seed: [u64; 4],
}

impl Names {
    pub(super) fn with_capacity(names: usize) -> Self {
        let len = (names.saturating_mul(10) / 7 + 1).next_power_of_two().max(16);
        let random = std::collections::hash_map::RandomState::new();
        let seed = [1u64, 2, 3, 4].map(|i| random.hash_one(i) | 1);
        Self { slots: vec![Slot::default(); len], mask: len - 1, used: 0, first: Vec::with_capacity(names), seed }
    }

    /// The hash of a name (folded multiplications, as in foldhash).
    pub(super) fn hash(&self, key: &Key, name: &[u8]) -> u64 {
        let [s0, s1, s2, s3] = self.seed;
        let [w0, w1, w2] = key.words;
        let mut h = fold(w0 ^ s0, w1 ^ s1);
        h = fold(h ^ w2, s2 ^ u64::from(key.len));
        for chunk in name.get(INLINE..).unwrap_or_default().chunks(8) {
            let mut b = [0u8; 8];
            if let Some(dst) = b.get_mut(..chunk.len()) {
                dst.copy_from_slice(chunk);
            }
            h = fold(h ^ u64::from_le_bytes(b), s3);
        }
        h
    }

    /// Reads the slot where a lookup of `hash` starts (see [`Parser::flush`]).
    pub(super) fn touch(&self, hash: u64) -> u32 {
        self.slots.get(hash as usize & self.mask).map_or(0, |s| s.id)
    }

    /// The id of `name`, if known.
    #[inline]
    pub(super) fn find(&self, input: &[u8], name: &Name) -> Option<u32> {
        let mut i = name.hash as usize & self.mask;
        loop {
            let slot = self.slots.get(i)?;
            if slot.len == 0 {
                return None;
            }
            if slot.key().same(&name.key) && (name.key.len as usize <= INLINE || self.same_tail(input, slot.id, name)) {
                return Some(slot.id);
            }
            i = (i + 1) & self.mask;
        }
    }

    /// Whether the name with `id` ends as `name` does (both are longer than
    /// [`INLINE`] and of equal length).
    fn same_tail(&self, input: &[u8], id: u32, name: &Name) -> bool {
        let Some(&at) = self.first.get(id as usize) else { return false };
        let len = name.span.1 - name.span.0;
        input.get(at + INLINE..at + len) == input.get(name.span.0 + INLINE..name.span.1)
    }

    /// Adds a name not in the table as `id`. `Err` if `id` breaks the
    /// invariant (ids not dense).
    pub(super) fn insert(&mut self, input: &[u8], name: &Name, id: u32) -> Result<(), ()> {
        if id as usize != self.first.len() {
            return Err(());
        }
        self.first.push(name.span.0);
        if (self.used + 1) * 10 > self.slots.len() * 7 {
            self.grow(input);
        }
        self.place(Slot::new(name.key, id), name.hash);
        self.used += 1;
        Ok(())
    }

    fn place(&mut self, slot: Slot, hash: u64) {
        let mut i = hash as usize & self.mask;
        // INVARIANT: the table is at most 70% full, so an empty slot exists.
        while let Some(s) = self.slots.get_mut(i) {
            if s.len == 0 {
                *s = slot;
                return;
            }
            i = (i + 1) & self.mask;
        }
    }

    fn grow(&mut self, input: &[u8]) {
        let len = self.slots.len() * 2;
        let old = std::mem::replace(&mut self.slots, vec![Slot::default(); len]);
        self.mask = len - 1;
        for slot in old.into_iter().filter(|s| s.len != 0) {
            let at = self.first.get(slot.id as usize).copied().unwrap_or(0);
            let name = input.get(at..at + slot.len as usize).unwrap_or_default();
            let hash = self.hash(&slot.key(), name);
            self.place(slot, hash);
        }
    }
}

/// The high and low halves of the 128-bit product, xored.
fn fold(a: u64, b: u64) -> u64 {
    let p = u128::from(a) * u128::from(b);
    (p as u64) ^ ((p >> 64) as u64)
}

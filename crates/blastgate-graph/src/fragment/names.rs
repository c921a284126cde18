//! The index from node ids to dense ids.

use std::hash::BuildHasher;

/// Node ids to dense ids, storing no strings: the owner keeps each id once
/// (in its nodes) and passes a function from dense id to id string to every
/// lookup.
///
/// Open addressing with linear probing, at most half full. A slot is one
/// `u64`: a dense id in the low half and the high 32 bits of the id
/// string's hash in the high half, which also place the slot, so growing
/// never hashes a string again, and a probe compares strings only on a
/// 32-bit hash match. foldhash instead of std's SipHash: interning is the
/// hot loop of loading large graphs. Its per-table random seed keeps some
/// resistance to crafted collisions; the table is only looked up, never
/// iterated for output, so the seed cannot change results.
///
/// At 1M nodes this is 16 MiB, against about 80 MiB for a
/// `HashMap<Box<str>, u32>` holding a second copy of each id.
///
/// INVARIANT: `slots.len()` is a power of two, `mask` is one less, and at
/// most half the slots are used; every used slot's id is below `len`.
#[derive(Clone)]
pub(crate) struct NameIndex {
    slots: Vec<u64>,
    mask: usize,
    len: usize,
    hasher: foldhash::fast::RandomState,
}

/// An unused slot: its id half is `u32::MAX`, which is never a dense id
/// (ids are below [`crate::limits::MAX_NODES`]).
const EMPTY: u64 = u64::MAX;

impl Default for NameIndex {
    fn default() -> Self {
        Self::with_capacity(0)
    }
}

impl std::fmt::Debug for NameIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NameIndex").field("len", &self.len).field("slots", &self.slots.len()).finish()
    }
}

/// Where a name that is not in the index would go.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Vacant {
    slot: usize,
    tag: u32,
    /// The table's mask when the slot was found: a grown table moved it.
    mask: usize,
}

impl NameIndex {
    /// An index with room for `names` names before it grows.
    pub(crate) fn with_capacity(names: usize) -> Self {
        let slots = names.saturating_mul(2).next_power_of_two().max(16);
        Self { slots: vec![EMPTY; slots], mask: slots - 1, len: 0, hasher: foldhash::fast::RandomState::default() }
    }

    /// Number of names.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Heap bytes held.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.slots.capacity() * std::mem::size_of::<u64>()
    }

    /// The hash of `name`, for [`NameIndex::find`].
    pub(crate) fn hash(&self, name: &str) -> u64 {
        self.hasher.hash_one(name)
    }

    /// Makes room for `more` names without growing during the next
    /// [`NameIndex::insert`]s.
    pub(crate) fn reserve(&mut self, more: usize) {
        let needed = self.len.saturating_add(more).saturating_mul(2);
        if needed > self.slots.len() {
            self.grow(needed.next_power_of_two());
        }
    }

    /// The dense id of `name` (whose hash is `hash`), where `name_of` gives
    /// the id string of a dense id; or where to insert it.
    #[inline]
    pub(crate) fn find<'a>(
        &self,
        hash: u64,
        name: &str,
        name_of: impl Fn(u32) -> Option<&'a str>,
    ) -> Result<u32, Vacant> {
        let tag = (hash >> 32) as u32;
        let mut i = tag as usize & self.mask;
        loop {
            let Some(&slot) = self.slots.get(i) else {
                // Unreachable (INVARIANT: `i <= mask`); report a miss.
                return Err(Vacant { slot: usize::MAX, tag, mask: self.mask });
            };
            if slot == EMPTY {
                return Err(Vacant { slot: i, tag, mask: self.mask });
            }
            if (slot >> 32) as u32 == tag && name_of(slot as u32) == Some(name) {
                return Ok(slot as u32);
            }
            i = (i + 1) & self.mask;
        }
    }

    /// Renumbers every id: `id` becomes `new_id[id]`.
    pub(crate) fn renumber(&mut self, new_id: &[u32]) {
        for slot in &mut self.slots {
            if *slot != EMPTY
                && let Some(&n) = new_id.get((*slot as u32) as usize)
            {
                *slot = (*slot & !u64::from(u32::MAX)) | u64::from(n);
            }
        }
    }

    /// The dense id of `name`, if present.
    pub(crate) fn get<'a>(&self, name: &str, name_of: impl Fn(u32) -> Option<&'a str>) -> Option<u32> {
        self.find(self.hash(name), name, name_of).ok()
    }

    /// Records `id` for a name that [`NameIndex::find`] did not find, where
    /// it said the name would go; if the table grew since, or must grow
    /// now, wherever the name goes then. The index must hold no other
    /// name added since the `find`.
    pub(crate) fn insert(&mut self, vacant: Vacant, id: u32) {
        let entry = u64::from(vacant.tag) << 32 | u64::from(id);
        if vacant.mask == self.mask
            && self.slots.get(vacant.slot) == Some(&EMPTY)
            && (self.len + 1) * 2 <= self.slots.len()
        {
            if let Some(s) = self.slots.get_mut(vacant.slot) {
                *s = entry;
            }
        } else {
            self.reserve(1);
            self.place(entry);
        }
        self.len += 1;
    }

    fn place(&mut self, entry: u64) {
        let mut i = (entry >> 32) as usize & self.mask;
        // INVARIANT: at most half full, so an empty slot exists.
        while let Some(s) = self.slots.get_mut(i) {
            if *s == EMPTY {
                *s = entry;
                return;
            }
            i = (i + 1) & self.mask;
        }
    }

    fn grow(&mut self, slots: usize) {
        let old = std::mem::replace(&mut self.slots, vec![EMPTY; slots]);
        self.mask = slots - 1;
        for entry in old.into_iter().filter(|&e| e != EMPTY) {
            self.place(entry);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_what_it_holds_and_grows() {
        let names: Vec<String> = (0..5000).map(|i| format!("n{i}")).collect();
        let name_of = |i: u32| names.get(i as usize).map(String::as_str);
        let mut index = NameIndex::default();
        for (i, name) in names.iter().enumerate() {
            let hash = index.hash(name);
            let vacant = index.find(hash, name, name_of).unwrap_err();
            if i % 2 == 0 {
                index.reserve(1);
            }
            index.insert(vacant, i as u32);
        }
        assert_eq!(index.len(), names.len());
        for (i, name) in names.iter().enumerate() {
            assert_eq!(index.get(name, name_of), Some(i as u32));
        }
        assert_eq!(index.get("missing", name_of), None);
        let copy = index.clone();
        assert_eq!(copy.get("n4999", name_of), Some(4999));
    }
}

//! `before` and `after`: of a resource's attributes, the entries of its
//! tag and label maps whose key is a tag key of the mapping, and its
//! `skip_final_snapshot` flag; every other attribute, and every value of
//! another shape than Terraform writes, is skipped unread.

use std::fmt;

use blastgate_change::limits;
use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::{floor_char_boundary, once};

/// What a resource's `before` or `after` object says that the reader uses:
/// the entries of its `tags`, `tags_all` and `labels` whose key is a tag
/// key of the mapping, and its `skip_final_snapshot` flag.
#[derive(Default)]
pub(in crate::terraform) struct Attributes {
    /// For each map (`tags`, `tags_all`, `labels`, in that order) and each
    /// tag key (in the mapping's order), the entry that names a node: of
    /// the entries whose key is that tag key without regard to ASCII case
    /// and whose value is a non-empty string, the one whose key is first
    /// in byte order.
    pub hits: [Vec<Option<Hit>>; 3],
    /// `skip_final_snapshot`: a boolean as written; `None` when it is
    /// absent or null (an unknown value, which says nothing).
    pub skip_final_snapshot: Option<bool>,
    /// Whether `skip_final_snapshot` was something else than a boolean or
    /// null (a string, a number, a list, an object). It then reads as
    /// `true`, the answer that keeps no data: nothing says a snapshot is
    /// taken.
    pub odd_skip_final_snapshot: bool,
}

/// A tag that may name a node.
#[derive(Clone)]
pub(in crate::terraform) struct Hit {
    /// The key as written.
    pub key: String,
    /// The value, cut one byte past [`limits::MAX_STRING_BYTES`] when it
    /// is longer (no node id is).
    pub value: String,
    /// The value's whole length in bytes.
    pub len: usize,
}

/// The names of the maps of [`Attributes::hits`], in order.
pub(in crate::terraform) const TAG_MAPS: [&str; 3] = ["tags", "tags_all", "labels"];

#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "snake_case")]
enum AttributeField {
    Tags,
    TagsAll,
    Labels,
    SkipFinalSnapshot,
    #[serde(other)]
    Other,
}

pub(in crate::terraform) struct AttributesSeed<'k> {
    pub keys: &'k [String],
}

impl<'de> DeserializeSeed<'de> for AttributesSeed<'_> {
    type Value = Attributes;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Attributes, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for AttributesSeed<'_> {
    type Value = Attributes;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object of resource attributes")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Attributes, A::Error> {
        let mut out = Attributes::default();
        let mut seen = [false; 4];
        let [s_tags, s_tags_all, s_labels, s_skip] = &mut seen;
        while let Some(name) = map.next_key::<AttributeField>()? {
            let (slot, seen, name) = match name {
                AttributeField::Tags => (0, &mut *s_tags, "tags"),
                AttributeField::TagsAll => (1, &mut *s_tags_all, "tags_all"),
                AttributeField::Labels => (2, &mut *s_labels, "labels"),
                AttributeField::SkipFinalSnapshot => {
                    once(s_skip, "skip_final_snapshot")?;
                    match map.next_value::<Flag>()? {
                        Flag::Bool(b) => out.skip_final_snapshot = Some(b),
                        Flag::Null => {}
                        Flag::Odd => {
                            out.skip_final_snapshot = Some(true);
                            out.odd_skip_final_snapshot = true;
                        }
                    }
                    continue;
                }
                AttributeField::Other => {
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
            };
            once(seen, name)?;
            let hits = map.next_value_seed(TagsSeed { keys: self.keys })?;
            if let Some(place) = out.hits.get_mut(slot) {
                *place = hits;
            }
        }
        Ok(out)
    }
}

/// `skip_final_snapshot` as written: a boolean, null, or anything else,
/// which is skipped unread.
enum Flag {
    Bool(bool),
    Null,
    Odd,
}

impl<'de> Deserialize<'de> for Flag {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct FlagVisitor;
        impl<'de> Visitor<'de> for FlagVisitor {
            type Value = Flag;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a boolean")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Flag, E> {
                Ok(Flag::Bool(v))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Flag, E> {
                Ok(Flag::Null)
            }
            fn visit_none<E: de::Error>(self) -> Result<Flag, E> {
                Ok(Flag::Null)
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Flag, E> {
                Ok(Flag::Odd)
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Flag, E> {
                Ok(Flag::Odd)
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Flag, E> {
                Ok(Flag::Odd)
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Flag, E> {
                Ok(Flag::Odd)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Flag, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Flag::Odd)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Flag, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Flag::Odd)
            }
        }
        deserializer.deserialize_any(FlagVisitor)
    }
}

/// A tag or label map: for each tag key, the entry that names a node (see
/// [`Attributes::hits`]). A map of strings is what Terraform writes; a
/// list of `{"key": ..., "value": ...}` objects (the older
/// `aws_autoscaling_group.tags`) is read the same way, so that a tag that
/// names a node is not lost to its shape. Anything else names no node by a
/// key and is skipped unread: a list of strings (Google's network tags),
/// null, a scalar, and entries whose value is not a string.
struct TagsSeed<'k> {
    keys: &'k [String],
}

impl<'de> DeserializeSeed<'de> for TagsSeed<'_> {
    type Value = Vec<Option<Hit>>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl TagsSeed<'_> {
    /// Offers one entry: kept for each tag key its key is, when it comes
    /// before the entry kept for that key. The same key twice is refused:
    /// which value counts must not be a guess.
    fn offer<E: de::Error>(&self, hits: &mut [Option<Hit>], key: &str, value: Text) -> Result<(), E> {
        if value.len == 0 {
            return Ok(());
        }
        for (wanted, hit) in self.keys.iter().zip(hits.iter_mut()) {
            if !key.eq_ignore_ascii_case(wanted) {
                continue;
            }
            match hit {
                Some(h) if h.key == key => {
                    return Err(E::custom(format_args!("duplicate key `{key}` in a tag map")));
                }
                Some(h) if h.key.as_str() < key => {}
                _ => *hit = Some(Hit { key: key.to_owned(), value: value.text.clone(), len: value.len }),
            }
        }
        Ok(())
    }
}

impl<'de> Visitor<'de> for TagsSeed<'_> {
    type Value = Vec<Option<Hit>>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a map of tags")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut hits = vec![None; self.keys.len()];
        while let Some(key) = map.next_key_seed(KeySeed { keys: self.keys })? {
            match key {
                Some(key) => {
                    if let TagValue::Text(value) = map.next_value::<TagValue>()? {
                        self.offer(&mut hits, &key, value)?;
                    }
                }
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(hits)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut hits = vec![None; self.keys.len()];
        while let Some(entry) = seq.next_element_seed(ListedTagSeed { keys: self.keys })? {
            if let Some((key, value)) = entry {
                self.offer(&mut hits, &key, value)?;
            }
        }
        Ok(hits)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Vec::new())
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Vec::new())
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Vec::new())
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(Vec::new())
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(Vec::new())
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Vec::new())
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
        Ok(Vec::new())
    }
}

/// A map key, kept only when it is one of the tag keys (without regard to
/// ASCII case): another key is looked at where the reader holds it and
/// never stored.
struct KeySeed<'k> {
    keys: &'k [String],
}

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = Option<String>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl Visitor<'_> for KeySeed<'_> {
    type Value = Option<String>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a tag name")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(self.keys.iter().any(|k| k.eq_ignore_ascii_case(v)).then(|| v.to_owned()))
    }
}

/// A tag's value: a string, or anything else (skipped unread).
enum TagValue {
    Text(Text),
    Other,
}

/// A string cut one byte past [`limits::MAX_STRING_BYTES`], and its whole
/// length.
struct Text {
    text: String,
    len: usize,
}

impl<'de> Deserialize<'de> for TagValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(TagValueVisitor)
    }
}

struct TagValueVisitor;

impl<'de> Visitor<'de> for TagValueVisitor {
    type Value = TagValue;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a tag value")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<TagValue, E> {
        // Longer than a node id may be: cut one byte past the limit (the
        // limit check reads the whole length).
        let end = floor_char_boundary(v, limits::MAX_STRING_BYTES.saturating_add(1));
        Ok(TagValue::Text(Text { text: v.get(..end).unwrap_or(v).to_owned(), len: v.len() }))
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<TagValue, E> {
        Ok(TagValue::Other)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<TagValue, E> {
        Ok(TagValue::Other)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<TagValue, E> {
        Ok(TagValue::Other)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<TagValue, E> {
        Ok(TagValue::Other)
    }
    fn visit_unit<E: de::Error>(self) -> Result<TagValue, E> {
        Ok(TagValue::Other)
    }
    fn visit_none<E: de::Error>(self) -> Result<TagValue, E> {
        Ok(TagValue::Other)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<TagValue, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(TagValue::Other)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<TagValue, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(TagValue::Other)
    }
}

/// One entry of a list of tags: a `{"key": ..., "value": ...}` object whose
/// key is a tag key and whose value is a string gives the pair; anything
/// else gives nothing and is skipped unread.
struct ListedTagSeed<'k> {
    keys: &'k [String],
}

impl<'de> DeserializeSeed<'de> for ListedTagSeed<'_> {
    type Value = Option<(String, Text)>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "snake_case")]
enum ListedTagField {
    Key,
    Value,
    #[serde(other)]
    Other,
}

impl<'de> Visitor<'de> for ListedTagSeed<'_> {
    type Value = Option<(String, Text)>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a tag")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let (mut key, mut value) = (None, None);
        let mut seen = [false; 2];
        let [s_key, s_value] = &mut seen;
        while let Some(field) = map.next_key::<ListedTagField>()? {
            match field {
                ListedTagField::Key => {
                    once(s_key, "key")?;
                    // Any shape: an entry that is not a tag is skipped.
                    if let TagValue::Text(k) = map.next_value::<TagValue>()?
                        && self.keys.iter().any(|w| w.eq_ignore_ascii_case(&k.text))
                    {
                        key = Some(k.text);
                    }
                }
                ListedTagField::Value => {
                    once(s_value, "value")?;
                    if let TagValue::Text(v) = map.next_value::<TagValue>()? {
                        value = Some(v);
                    }
                }
                ListedTagField::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(key.zip(value))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(None)
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
}

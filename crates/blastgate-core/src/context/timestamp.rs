//! [`Timestamp`]: an instant, read and written as RFC 3339.
//!
//! The type wraps `jiff::Timestamp` so that no dependency's type appears in
//! a public signature: a jiff upgrade must never break our users.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// An instant in time with nanosecond precision, between
/// `0000-01-01T00:00:00Z` and the end of the year 9999 (the range RFC 3339
/// can write).
///
/// Read from RFC 3339 text with an offset: `2026-11-27T10:00:00Z`,
/// `2026-11-27T12:00:00+02:00`, `2026-11-27T10:00:00.250Z`. The offset is
/// applied and forgotten: the two first examples are the same instant, and
/// both are written back as `2026-11-27T10:00:00Z`. Text without an offset
/// (`2026-11-27T10:00:00`) is rejected, since the instant it names depends
/// on a time zone nobody stated.
///
/// Ordered by instant; [`Display`](fmt::Display) writes RFC 3339 in UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(jiff::Timestamp);

/// Why a text is not a [`Timestamp`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct TimestampError {
    message: String,
}

impl TimestampError {
    /// What is wrong, without the text itself.
    pub fn message(&self) -> &str {
        &self.message
    }
}

/// Unix seconds of `0000-01-01T00:00:00Z`, the earliest instant RFC 3339
/// can write.
const MIN_UNIX_SECONDS: i64 = -62_167_219_200;

impl Timestamp {
    /// The latest instant held, `9999-12-30T22:00:00.999999999Z`: a later
    /// one of the year 9999 reads as this one.
    pub const LATEST: Self = Self(jiff::Timestamp::MAX);

    /// Parses RFC 3339: `YYYY-MM-DDTHH:MM:SS`, optional fractional seconds
    /// (at most 9 digits), then `Z` or an offset `+HH:MM`/`-HH:MM`. As RFC
    /// 3339 permits, `t` and `z` may be lower case and a space may stand for
    /// `T`. Other forms jiff would take (a missing offset, `+02` without
    /// minutes, `[Europe/Paris]` annotations, ISO 8601 basic format) are
    /// rejected.
    ///
    /// # Errors
    /// [`TimestampError`] when the text is not RFC 3339, or names a date
    /// that does not exist (`2026-02-30`) or is out of range.
    ///
    /// # Example
    /// ```
    /// # use blastgate_core::context::Timestamp;
    /// let a = Timestamp::parse("2026-11-27T12:00:00+02:00")?;
    /// assert_eq!(a.to_string(), "2026-11-27T10:00:00Z");
    /// assert_eq!(a, Timestamp::parse("2026-11-27T10:00:00Z")?);
    /// assert!(Timestamp::parse("2026-11-27T10:00:00").is_err());
    /// # Ok::<(), blastgate_core::context::TimestampError>(())
    /// ```
    pub fn parse(text: &str) -> Result<Self, TimestampError> {
        check_rfc3339_shape(text)?;
        let instant: jiff::Timestamp = match text.parse() {
            Ok(instant) => instant,
            // The last day of 9999 in UTC lies partly past the latest
            // instant held (jiff's, which leaves room for any offset): a
            // real date there, the "forever" that calendars write for an
            // open-ended freeze, is held at the latest instant, as an end
            // past the range is (it stopped every deploy with exit 2).
            Err(_) if text.starts_with("9999-") && civil_date_time(text) => Self::LATEST.0,
            Err(e) => return Err(TimestampError { message: format!("not a valid date and time: {e}") }),
        };
        Self::checked(instant)
            .ok_or_else(|| TimestampError { message: "before the year 0000, which RFC 3339 cannot write".to_owned() })
    }

    /// [`parse`](Self::parse) for the end of something (an incident's
    /// `resolved_at`, the `end` of a freeze or of a change in flight): a
    /// leap second (`23:59:60`, with any fraction) reads as the next second,
    /// `00:00:00` of the next day, where [`parse`](Self::parse) reads it as
    /// `23:59:59`. Either way the instant read is on the safe side of the
    /// one named: a start no later, an end no earlier, so nothing ends a
    /// second early. An end past the latest instant held is held there.
    ///
    /// # Errors
    /// As [`parse`](Self::parse).
    ///
    /// # Example
    /// ```
    /// # use blastgate_core::context::Timestamp;
    /// assert_eq!(Timestamp::parse_end("2026-12-31T23:59:60.5Z")?.to_string(), "2027-01-01T00:00:00Z");
    /// assert_eq!(Timestamp::parse("2026-12-31T23:59:60.5Z")?.to_string(), "2026-12-31T23:59:59.5Z");
    /// assert_eq!(Timestamp::parse_end("2026-12-31T23:59:59.5Z")?.to_string(), "2026-12-31T23:59:59.5Z");
    /// # Ok::<(), blastgate_core::context::TimestampError>(())
    /// ```
    pub fn parse_end(text: &str) -> Result<Self, TimestampError> {
        let read = Self::parse(text)?;
        // The seconds are bytes 17 and 18 (the shape is checked): jiff
        // reads `60` as `59`, keeping the fraction.
        if text.get(17..19) != Some("60") {
            return Ok(read);
        }
        let second = Self::from_unix_seconds(read.as_unix_seconds()).unwrap_or(read);
        Ok(second.saturating_add_seconds(1))
    }

    /// The instant `seconds` after 1970-01-01T00:00:00Z (before it when
    /// negative), or `None` outside the supported range.
    pub fn from_unix_seconds(seconds: i64) -> Option<Self> {
        jiff::Timestamp::from_second(seconds).ok().and_then(Self::checked)
    }

    /// Whole seconds since 1970-01-01T00:00:00Z, rounded towards negative
    /// infinity (so `1969-12-31T23:59:59.5Z` is -1).
    pub fn as_unix_seconds(self) -> i64 {
        let seconds = self.0.as_second();
        if self.0.subsec_nanosecond() < 0 { seconds - 1 } else { seconds }
    }

    /// The instant `seconds` later (earlier when negative), or `None`
    /// outside the supported range.
    pub fn checked_add_seconds(self, seconds: i64) -> Option<Self> {
        self.0.checked_add(jiff::SignedDuration::from_secs(seconds)).ok().and_then(Self::checked)
    }

    /// The instant `seconds` later (earlier when negative), held at the
    /// latest (earliest) supported instant past the range: a deploy window
    /// that runs past the year 9999 still covers everything after its
    /// start.
    pub fn saturating_add_seconds(self, seconds: i64) -> Self {
        self.checked_add_seconds(seconds).unwrap_or_else(|| {
            if seconds > 0 {
                Self(jiff::Timestamp::MAX)
            } else {
                Self::from_unix_seconds(MIN_UNIX_SECONDS).unwrap_or(self)
            }
        })
    }

    fn checked(instant: jiff::Timestamp) -> Option<Self> {
        let t = Self(instant);
        (t.as_unix_seconds() >= MIN_UNIX_SECONDS).then_some(t)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl FromStr for Timestamp {
    type Err = TimestampError;

    fn from_str(text: &str) -> Result<Self, TimestampError> {
        Self::parse(text)
    }
}

/// Whether the date and time of day of RFC 3339 `text` (shape checked)
/// exist, whatever its offset.
fn civil_date_time(text: &str) -> bool {
    let (Some(date), Some(time)) = (text.get(..10), text.get(11..19)) else { return false };
    format!("{date}T{time}").parse::<jiff::civil::DateTime>().is_ok()
}

/// Checks the RFC 3339 `date-time` production (section 5.6) before jiff,
/// whose parser also takes the wider Temporal/ISO 8601 grammar, sees the
/// text. Digits only: ranges (month 13, February 30) are left to jiff.
fn check_rfc3339_shape(text: &str) -> Result<(), TimestampError> {
    let shape_error = || TimestampError {
        message: "not an RFC 3339 date and time with an offset, like `2026-11-27T10:00:00Z`".to_owned(),
    };
    let digits = |bytes: &[u8]| bytes.iter().all(u8::is_ascii_digit);
    let [y1, y2, y3, y4, b'-', m1, m2, b'-', d1, d2, b'T' | b't' | b' ', h1, h2, b':', n1, n2, b':', s1, s2, rest @ ..] =
        text.as_bytes()
    else {
        return Err(shape_error());
    };
    if !digits(&[*y1, *y2, *y3, *y4, *m1, *m2, *d1, *d2, *h1, *h2, *n1, *n2, *s1, *s2]) {
        return Err(shape_error());
    }
    let offset = match rest {
        [b'.', after @ ..] => {
            let n = after.iter().take_while(|b| b.is_ascii_digit()).count();
            if n == 0 || n > 9 {
                return Err(TimestampError { message: "fractional seconds need 1 to 9 digits".to_owned() });
            }
            after.get(n..).unwrap_or_default()
        }
        _ => rest,
    };
    match offset {
        [b'Z' | b'z'] => Ok(()),
        // RFC 3339's offset is `time-hour ":" time-minute`: at most 23:59
        // (jiff alone would take up to 25:59).
        [b'+' | b'-', oh1 @ b'0'..=b'2', oh2, b':', om1 @ b'0'..=b'5', om2]
            if digits(&[*oh2, *om2]) && (*oh1 < b'2' || *oh2 <= b'3') =>
        {
            Ok(())
        }
        [] => Err(TimestampError { message: "no UTC offset: end with `Z` or an offset such as `+02:00`".to_owned() }),
        _ => Err(shape_error()),
    }
}

impl Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(Visitor { parse: Timestamp::parse })
    }
}

/// Reads a timestamp with `parse`.
struct Visitor {
    parse: fn(&str) -> Result<Timestamp, TimestampError>,
}

impl serde::de::Visitor<'_> for Visitor {
    type Value = Timestamp;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an RFC 3339 date and time with an offset, like `2026-11-27T10:00:00Z`")
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Timestamp, E> {
        // "invalid value" makes the readers report InvalidValue.
        (self.parse)(text).map_err(|e| {
            E::custom(format!("invalid value: timestamp `{}`: {}", blastgate_graph::shorten(text), e.message()))
        })
    }
}

/// A timestamp that ends something, read with [`Timestamp::parse_end`]
/// (for `#[serde(deserialize_with = "...")]`).
pub(crate) fn deserialize_end<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Timestamp, D::Error> {
    d.deserialize_str(Visitor { parse: Timestamp::parse_end })
}

/// [`deserialize_end`] for an optional field (with `#[serde(default)]`).
pub(crate) fn deserialize_optional_end<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Timestamp>, D::Error> {
    /// An end, for `Option`'s own deserialiser.
    struct End(Timestamp);
    impl<'de> Deserialize<'de> for End {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            deserialize_end(d).map(End)
        }
    }
    Option::<End>::deserialize(d).map(|end| end.map(|End(t)| t))
}

impl schemars::JsonSchema for Timestamp {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Timestamp".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "An RFC 3339 date and time with an offset (`2026-11-27T10:00:00Z`, `2026-11-27T12:00:00+02:00`).",
            "type": "string",
            "format": "date-time"
        })
    }
}

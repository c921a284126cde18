//! The just-in-time change metrics derived from the files of a change
//! (Kamei et al., "A large-scale empirical study of just-in-time quality
//! assurance", TSE 2013), named as in the published data sets:
//!
//! - `la`, `ld`: lines added and deleted;
//! - `nf`: files touched;
//! - `nd`: directories touched (the parent folder of each file);
//! - `ns`: subsystems touched (the first path segment; files at the root
//!   form the root subsystem);
//! - `entropy`: how the change spreads over files,
//!   `H = -sum_k p_k log2 p_k` with `p_k` the share of changed lines
//!   (added + deleted) in file `k`; 0 for one file or no changed lines.
//!   Files without line counts (binary) are left out of `H`.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::model::FileChange;

/// Size and spread of a change.
#[derive(Debug, Clone, PartialEq, Default, Serialize, schemars::JsonSchema)]
pub struct ChangeMetrics {
    /// Lines added.
    pub la: u64,
    /// Lines deleted.
    pub ld: u64,
    /// Files touched.
    pub nf: u64,
    /// Directories touched.
    pub nd: u64,
    /// Subsystems (top-level folders) touched.
    pub ns: u64,
    /// Entropy of the change over files, in bits.
    pub entropy: f64,
}

impl ChangeMetrics {
    /// The metrics of `files`. Sums saturate; the entropy's terms are
    /// summed in ascending order of lines, so the same files give the same
    /// bits in any order (a floating-point sum in file order moved its last
    /// bits, and a likelihood at a band's edge with them).
    pub fn of(files: &[FileChange]) -> Self {
        let mut m = ChangeMetrics::default();
        let mut dirs = BTreeSet::new();
        let mut subsystems = BTreeSet::new();
        let mut total = 0u128;
        for f in files {
            m.la = m.la.saturating_add(f.added);
            m.ld = m.ld.saturating_add(f.deleted);
            total += u128::from(f.added) + u128::from(f.deleted);
            let path = f.path.trim_start_matches('/');
            let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
            dirs.insert(dir);
            let sub = if path.contains('/') { path.split('/').next().unwrap_or("") } else { "" };
            subsystems.insert(sub);
        }
        m.nf = files.len() as u64;
        m.nd = dirs.len() as u64;
        m.ns = subsystems.len() as u64;
        if total > 0 {
            let total = total as f64;
            let mut sizes: Vec<u128> = files.iter().map(|f| u128::from(f.added) + u128::from(f.deleted)).collect();
            sizes.sort_unstable();
            let mut h = 0.0;
            for lines in sizes {
                let lines = lines as f64;
                if lines > 0.0 {
                    let p = lines / total;
                    h -= p * p.log2();
                }
            }
            // -0.0 and tiny negative rounding become 0.
            m.entropy = h.max(0.0);
        }
        m
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, added: u64, deleted: u64) -> FileChange {
        FileChange { path: path.into(), added, deleted, ..FileChange::default() }
    }

    #[test]
    fn sizes_and_spread() {
        let m = ChangeMetrics::of(&[file("src/a/x.go", 10, 0), file("src/a/y.go", 5, 5), file("README.md", 0, 0)]);
        assert_eq!((m.la, m.ld, m.nf, m.nd, m.ns), (15, 5, 3, 2, 2));
        assert!((m.entropy - 1.0).abs() < 1e-12, "two files with 10 lines each: 1 bit, got {}", m.entropy);
    }

    #[test]
    fn entropy_does_not_depend_on_file_order() {
        let orders = [[1, 2, 3], [1, 3, 2], [2, 1, 3], [2, 3, 1], [3, 1, 2], [3, 2, 1]];
        let bits: Vec<u64> = orders
            .iter()
            .map(|o| ChangeMetrics::of(&o.map(|n| file(&format!("f{n}"), n, 0))).entropy.to_bits())
            .collect();
        assert!(bits.iter().all(|&b| b == bits[0]), "{bits:?}");
    }

    #[test]
    fn one_file_or_no_lines_has_zero_entropy() {
        // Exactly zero, sign included: compare bits, not floats.
        assert_eq!(ChangeMetrics::of(&[file("a", 3, 1)]).entropy.to_bits(), 0);
        assert_eq!(ChangeMetrics::of(&[]).entropy.to_bits(), 0);
        assert_eq!(ChangeMetrics::of(&[file("a", 0, 0), file("b", 0, 0)]).entropy.to_bits(), 0);
    }

    #[test]
    fn four_equal_files_have_two_bits() {
        let files: Vec<_> = (0..4).map(|i| file(&format!("d{i}/f"), 7, 0)).collect();
        let m = ChangeMetrics::of(&files);
        assert!((m.entropy - 2.0).abs() < 1e-12);
        assert_eq!((m.nd, m.ns), (4, 4));
    }
}

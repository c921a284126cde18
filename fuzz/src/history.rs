//! A change history (CSV) as `calibrate` and `backtest` read it. Shared by
//! the `history_no_panic` fuzz target and the regression replay test
//! (`crates/blastgate/tests/fuzz_regressions.rs` includes this file).
//!
//! The bytes are parsed with the standard columns; a history that parses
//! and is small (at most 400 rows, so a run stays fast) is fitted with a
//! 10% gate budget, measured and backtested. Whatever comes out, the model
//! file it writes must read back as a policy: a fit on any table the
//! parser accepts never writes NaN or infinity.

use blastgate::calibrate::{Columns, Config, GateBudget, backtest, calibrate, model_toml, parse_history};

pub fn check(data: &[u8]) {
    let Ok(history) = parse_history("h.csv", data, &Columns::default()) else { return };
    if history.len() > 400 {
        return;
    }
    let Ok(policy) = blastgate::assess::default_policy() else { return };
    let _ = backtest(&history, &policy, 2);
    let mut config = Config::default();
    config.gate_budget = Some(GateBudget { share: 0.1, impact_band: 2 });
    let Ok(calibration) = calibrate(&history, &policy, &config) else { return };
    let text = model_toml(&calibration);
    let again = blastgate::calibrate::parse_policy_or_model("model.toml", text.as_bytes(), &policy);
    assert!(again.is_ok(), "the model file does not read back: {again:?}\n{text}");
    let _ = blastgate::calibrate::plot_svg(&calibration);
}

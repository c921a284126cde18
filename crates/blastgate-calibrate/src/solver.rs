//! Penalised logistic regression with sign constraints: Newton's method
//! (iteratively reweighted least squares) whose quadratic step is solved
//! exactly within the bounds by an active-set method, so constraints such
//! as "this weight is not negative" cost little.
//!
//! Why our own solver rather than a crate: the problems are small (a few
//! thousand to a hundred thousand rows, at most a few hundred columns), the
//! monotone shape functions need sign constraints that the kept Rust
//! solvers (linfa-logistic's L-BFGS through argmin) do not offer, and a
//! hundred lines of Newton with a fixed summation order give the same bits
//! on every run and machine. The tests check it against closed-form
//! answers.
//!
//! The objective, minimised over the intercept `b` and the weights `w`:
//!
//! `sum_i s_i * logloss(y_i, b + x_i . w) + 1/2 * sum_j l2_j * w_j^2`
//!
//! with sample weights `s_i` and a penalty `l2_j` per column; `b` is never
//! penalised or bounded.

/// The sign a weight is allowed to take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sign {
    /// Any sign.
    Free,
    /// At least zero.
    NonNegative,
    /// At most zero.
    NonPositive,
}

impl Sign {
    fn clamp(self, w: f64) -> f64 {
        match self {
            Self::Free => w,
            Self::NonNegative => w.max(0.0),
            Self::NonPositive => w.min(0.0),
        }
    }
}

/// A design matrix: `rows` rows of `cols` values, row after row.
#[derive(Debug, Clone, PartialEq)]
pub struct Design {
    cols: usize,
    values: Vec<f64>,
}

impl Design {
    /// A design of `cols` columns from values laid out row after row.
    ///
    /// # Errors
    /// [`SolverError::Shape`] when `values` is not a whole number of rows,
    /// [`SolverError::NonFinite`] for a NaN or infinite value.
    pub fn new(cols: usize, values: Vec<f64>) -> Result<Self, SolverError> {
        if cols == 0 || !values.len().is_multiple_of(cols) {
            return Err(SolverError::Shape(format!("{} values do not make rows of {cols} columns", values.len())));
        }
        if values.iter().any(|v| !v.is_finite()) {
            return Err(SolverError::NonFinite("a design value".into()));
        }
        Ok(Self { cols, values })
    }

    /// The number of rows.
    pub fn rows(&self) -> usize {
        self.values.len() / self.cols
    }

    /// The number of columns.
    pub fn cols(&self) -> usize {
        self.cols
    }

    /// The rows, each a slice of `cols` values.
    pub fn iter_rows(&self) -> std::slice::ChunksExact<'_, f64> {
        self.values.chunks_exact(self.cols)
    }
}

/// The problem's settings besides the data.
#[derive(Debug, Clone, PartialEq)]
pub struct Penalty {
    /// The L2 penalty of each column (`l2_j` above), at least 0.
    pub l2: Vec<f64>,
    /// The allowed sign of each column's weight.
    pub signs: Vec<Sign>,
}

/// A fitted model: intercept and one weight per column.
#[derive(Debug, Clone, PartialEq)]
pub struct Fit {
    /// The intercept `b`.
    pub intercept: f64,
    /// The weights `w`, one per column.
    pub weights: Vec<f64>,
    /// Newton iterations taken.
    pub iterations: usize,
    /// The objective at the solution.
    pub objective: f64,
}

impl Fit {
    /// The log-odds of one row.
    pub fn log_odds(&self, row: &[f64]) -> f64 {
        row.iter().zip(&self.weights).fold(self.intercept, |acc, (x, w)| acc + x * w)
    }
}

/// Why a fit failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum SolverError {
    /// Lengths that do not agree.
    #[error("the problem's shape is inconsistent: {0}")]
    Shape(String),
    /// A NaN or infinite input.
    #[error("{0} is not a finite number")]
    NonFinite(String),
    /// Only one class in the labels: nothing to learn.
    #[error("the labels are all {0}: a model needs both outcomes")]
    OneClass(&'static str),
    /// No convergence within the iteration budget.
    #[error("the solver did not converge in {0} iterations")]
    NoConvergence(usize),
}

/// The most Newton iterations.
pub const MAX_NEWTON: usize = 100;

/// Fits the penalised, sign-constrained logistic regression.
///
/// `labels` are 0 or 1 (anything above 0.5 counts as 1); `sample_weights`
/// default to 1.
///
/// # Errors
/// [`SolverError`] for inconsistent lengths, non-finite inputs, labels of
/// one class, or no convergence.
///
/// # Complexity
/// Each Newton iteration is `O(rows * cols^2)` for the Hessian plus
/// `O(cols^3)` per active-set change for the step; a few to a few dozen
/// iterations.
pub fn fit(
    design: &Design,
    labels: &[f64],
    sample_weights: Option<&[f64]>,
    penalty: &Penalty,
) -> Result<Fit, SolverError> {
    let n = design.rows();
    let p = design.cols();
    if labels.len() != n || sample_weights.is_some_and(|s| s.len() != n) {
        return Err(SolverError::Shape(format!("{n} rows but {} labels", labels.len())));
    }
    if penalty.l2.len() != p || penalty.signs.len() != p {
        return Err(SolverError::Shape(format!("{p} columns but {} penalties", penalty.l2.len())));
    }
    if penalty.l2.iter().any(|l| !(l.is_finite() && *l >= 0.0)) {
        return Err(SolverError::NonFinite("a penalty (or it is negative)".into()));
    }
    let ones = vec![1.0; n];
    let weights = sample_weights.unwrap_or(&ones);
    if weights.iter().any(|s| !(s.is_finite() && *s >= 0.0)) {
        return Err(SolverError::NonFinite("a sample weight (or it is negative)".into()));
    }
    let y: Vec<f64> = labels.iter().map(|&l| if l > 0.5 { 1.0 } else { 0.0 }).collect();
    let positive: f64 = y.iter().zip(weights).map(|(y, s)| y * s).sum();
    let total: f64 = weights.iter().sum();
    if positive <= 0.0 {
        return Err(SolverError::OneClass("0"));
    }
    if positive >= total {
        return Err(SolverError::OneClass("1"));
    }
    // Start from the base rate with all weights 0 (feasible for any sign).
    let mut beta = vec![0.0; p + 1];
    if let Some(b) = beta.first_mut() {
        *b = (positive / (total - positive)).ln();
    }
    let problem = Problem { design, y: &y, weights, penalty };
    let mut objective = problem.objective(&beta);
    for iteration in 1..=MAX_NEWTON {
        let step = problem.newton_target(&beta);
        // Backtracking line search from the full Newton step: the objective
        // never increases.
        let mut t = 1.0;
        let mut accepted = None;
        for _ in 0..40 {
            let candidate: Vec<f64> = beta.iter().zip(&step).map(|(b, s)| b + t * (s - b)).collect();
            let value = problem.objective(&candidate);
            // Near the optimum the objective changes by less than its
            // rounding: a step within that slack is accepted.
            if value <= objective + 1e-13 * (1.0 + objective.abs()) {
                accepted = Some((candidate, value));
                break;
            }
            t *= 0.5;
        }
        let Some((next, value)) = accepted else {
            break;
        };
        let moved = next.iter().zip(&beta).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max);
        let gain = (objective - value).max(0.0);
        beta = next;
        objective = value;
        let scale = 1.0 + beta.iter().fold(0.0_f64, |m, b| m.max(b.abs()));
        if moved <= 1e-11 * scale || gain <= 1e-15 * (1.0 + objective.abs()) {
            return Ok(Problem::finish(beta, iteration, objective));
        }
    }
    // The line search could not improve, or the budget ran out: accept only
    // if the point is stationary (the projected gradient is small).
    if problem.projected_gradient(&beta) <= 1e-6 * (1.0 + total) {
        return Ok(Problem::finish(beta, MAX_NEWTON, objective));
    }
    Err(SolverError::NoConvergence(MAX_NEWTON))
}

struct Problem<'a> {
    design: &'a Design,
    y: &'a [f64],
    weights: &'a [f64],
    penalty: &'a Penalty,
}

impl Problem<'_> {
    fn finish(beta: Vec<f64>, iterations: usize, objective: f64) -> Fit {
        let intercept = beta.first().copied().unwrap_or(0.0);
        let weights = beta.get(1..).map(<[f64]>::to_vec).unwrap_or_default();
        Fit { intercept, weights, iterations, objective }
    }

    fn eta(beta: &[f64], row: &[f64]) -> f64 {
        let (b, w) = beta.split_first().unwrap_or((&0.0, &[]));
        row.iter().zip(w).fold(*b, |acc, (x, w)| acc + x * w)
    }

    fn objective(&self, beta: &[f64]) -> f64 {
        let loss = self
            .design
            .iter_rows()
            .zip(self.y)
            .zip(self.weights)
            .map(|((row, y), s)| s * log_loss(*y, Self::eta(beta, row)))
            .fold(0.0, |a, b| a + b);
        let w = beta.get(1..).unwrap_or(&[]);
        let pen = w.iter().zip(&self.penalty.l2).map(|(w, l)| 0.5 * l * w * w).fold(0.0, |a, b| a + b);
        loss + pen
    }

    /// The gradient of the objective, intercept first.
    fn gradient(&self, beta: &[f64]) -> Vec<f64> {
        let mut g = vec![0.0; beta.len()];
        for ((row, y), s) in self.design.iter_rows().zip(self.y).zip(self.weights) {
            let r = s * (sigmoid(Self::eta(beta, row)) - y);
            if let Some((g0, gw)) = g.split_first_mut() {
                *g0 += r;
                for (gj, x) in gw.iter_mut().zip(row) {
                    *gj += r * x;
                }
            }
        }
        for ((gj, w), l) in g.iter_mut().skip(1).zip(beta.iter().skip(1)).zip(&self.penalty.l2) {
            *gj += l * w;
        }
        g
    }

    /// The largest gradient component that the bounds do not block.
    fn projected_gradient(&self, beta: &[f64]) -> f64 {
        let g = self.gradient(beta);
        g.iter()
            .enumerate()
            .map(|(j, gj)| {
                let sign = j.checked_sub(1).and_then(|k| self.penalty.signs.get(k)).copied().unwrap_or(Sign::Free);
                let at_zero = beta.get(j).is_some_and(|b| b.abs() <= 0.0);
                match sign {
                    Sign::NonNegative if at_zero && *gj > 0.0 => 0.0,
                    Sign::NonPositive if at_zero && *gj < 0.0 => 0.0,
                    _ => gj.abs(),
                }
            })
            .fold(0.0, f64::max)
    }

    /// The minimiser, within the bounds, of the quadratic model of the
    /// objective at `beta` (the constrained Newton target).
    fn newton_target(&self, beta: &[f64]) -> Vec<f64> {
        let q = beta.len();
        // Hessian H = X' W X + diag(l2) and gradient g, intercept as column 0.
        let mut h = vec![0.0; q * q];
        let mut g = vec![0.0; q];
        let mut x = vec![0.0; q];
        for ((row, y), s) in self.design.iter_rows().zip(self.y).zip(self.weights) {
            if let Some((first, rest)) = x.split_first_mut() {
                *first = 1.0;
                rest.copy_from_slice(row);
            }
            let p = sigmoid(Self::eta(beta, row));
            let w = s * p * (1.0 - p);
            let r = s * (p - y);
            for (j, xj) in x.iter().enumerate() {
                if let Some(gj) = g.get_mut(j) {
                    *gj += r * xj;
                }
                let wx = w * xj;
                if wx == 0.0 {
                    continue;
                }
                // Lower triangle only; mirrored below.
                if let Some(hrow) = h.get_mut(j * q..j * q + j + 1) {
                    for (hjk, xk) in hrow.iter_mut().zip(&x) {
                        *hjk += wx * xk;
                    }
                }
            }
        }
        for j in 0..q {
            for k in 0..j {
                let v = h.get(j * q + k).copied().unwrap_or(0.0);
                if let Some(t) = h.get_mut(k * q + j) {
                    *t = v;
                }
            }
        }
        for (j, l) in self.penalty.l2.iter().enumerate() {
            let b = beta.get(j + 1).copied().unwrap_or(0.0);
            if let Some(gj) = g.get_mut(j + 1) {
                *gj += l * b;
            }
            if let Some(hjj) = h.get_mut((j + 1) * q + j + 1) {
                *hjj += l;
            }
        }
        // The target t minimises 1/2 (t - beta)' H (t - beta) + g' (t - beta)
        // within the bounds: c = g - H beta makes it 1/2 t'Ht + c't.
        let mut c = g;
        for (j, cj) in c.iter_mut().enumerate() {
            let row = h.get(j * q..(j + 1) * q).unwrap_or(&[]);
            *cj -= row.iter().zip(beta).fold(0.0, |acc, (a, b)| acc + a * b);
        }
        let signs: Vec<Sign> = (0..q)
            .map(|j| j.checked_sub(1).and_then(|k| self.penalty.signs.get(k)).copied().unwrap_or(Sign::Free))
            .collect();
        box_qp(&h, &c, &signs, beta)
    }
}

/// Minimises `1/2 t'Ht + c't` over `t` with each `t_j` of the sign
/// `signs[j]` allows, from the feasible start `start`, by the primal
/// active-set method: solve exactly (Cholesky) on the free variables, step
/// as far as the bounds allow, fix the blocking variable at 0, release a
/// fixed one whose gradient points inward. `h` is `q x q`, symmetric and
/// positive definite (the L2 penalties and the intercept's curvature make
/// it so; a tiny ridge covers round-off).
fn box_qp(h: &[f64], c: &[f64], signs: &[Sign], start: &[f64]) -> Vec<f64> {
    let q = c.len();
    let mut t: Vec<f64> = start.iter().zip(signs).map(|(v, s)| s.clamp(*v)).collect();
    let bounded = |j: usize| signs.get(j).is_some_and(|s| *s != Sign::Free);
    let mut fixed: Vec<bool> = (0..q).map(|j| bounded(j) && t.get(j).is_some_and(|v| *v == 0.0)).collect();
    let trace = (0..q).map(|j| h.get(j * q + j).copied().unwrap_or(0.0)).fold(0.0, f64::max);
    let ridge = 1e-12 * trace.max(1e-300);
    for _ in 0..(4 * q + 20) {
        let free: Vec<usize> = (0..q).filter(|&j| !fixed.get(j).copied().unwrap_or(false)).collect();
        let mut sub = vec![0.0; free.len() * free.len()];
        for (a, &i) in free.iter().enumerate() {
            for (b, &j) in free.iter().enumerate() {
                if let Some(slot) = sub.get_mut(a * free.len() + b) {
                    *slot = h.get(i * q + j).copied().unwrap_or(0.0) + if a == b { ridge } else { 0.0 };
                }
            }
        }
        let rhs: Vec<f64> = free.iter().map(|&j| -c.get(j).copied().unwrap_or(0.0)).collect();
        let Some(solution) = cholesky_solve(&mut sub, free.len(), rhs) else {
            return t;
        };
        // Step from t toward the solution as far as the bounds allow.
        let mut step = 1.0_f64;
        let mut blocking = None;
        for (&j, &target) in free.iter().zip(&solution) {
            let now = t.get(j).copied().unwrap_or(0.0);
            let crosses = match signs.get(j) {
                Some(Sign::NonNegative) => target < 0.0,
                Some(Sign::NonPositive) => target > 0.0,
                _ => false,
            };
            if crosses {
                let ratio = now / (now - target);
                if ratio < step {
                    step = ratio.max(0.0);
                    blocking = Some(j);
                }
            }
        }
        for (&j, &target) in free.iter().zip(&solution) {
            if let Some(v) = t.get_mut(j) {
                *v += step * (target - *v);
            }
        }
        if let Some(j) = blocking {
            if let (Some(v), Some(f)) = (t.get_mut(j), fixed.get_mut(j)) {
                *v = 0.0;
                *f = true;
            }
            continue;
        }
        // At the optimum over the free set: release the fixed variable whose
        // gradient most wants to move it inward, if any.
        let mut release: Option<(usize, f64)> = None;
        for j in (0..q).filter(|&j| fixed.get(j).copied().unwrap_or(false)) {
            let row = h.get(j * q..(j + 1) * q).unwrap_or(&[]);
            let grad = row.iter().zip(&t).fold(c.get(j).copied().unwrap_or(0.0), |acc, (a, b)| acc + a * b);
            let pull = match signs.get(j) {
                Some(Sign::NonNegative) => -grad,
                Some(Sign::NonPositive) => grad,
                _ => 0.0,
            };
            if pull > 1e-12 * (1.0 + trace) && release.is_none_or(|(_, best)| pull > best) {
                release = Some((j, pull));
            }
        }
        match release {
            Some((j, _)) => {
                if let Some(f) = fixed.get_mut(j) {
                    *f = false;
                }
            }
            None => return t,
        }
    }
    t
}

/// Solves `a x = b` for a symmetric positive definite `n x n` matrix `a`
/// (overwritten by its Cholesky factor). `None` when `a` is not positive
/// definite.
fn cholesky_solve(a: &mut [f64], n: usize, mut b: Vec<f64>) -> Option<Vec<f64>> {
    for j in 0..n {
        let mut d = *a.get(j * n + j)?;
        for k in 0..j {
            let l = *a.get(j * n + k)?;
            d -= l * l;
        }
        if !(d > 0.0 && d.is_finite()) {
            return None;
        }
        let d = d.sqrt();
        *a.get_mut(j * n + j)? = d;
        for i in j + 1..n {
            let mut s = *a.get(i * n + j)?;
            for k in 0..j {
                s -= a.get(i * n + k)? * a.get(j * n + k)?;
            }
            *a.get_mut(i * n + j)? = s / d;
        }
    }
    // Forward (L y = b), then backward (L' x = y).
    for i in 0..n {
        let mut s = *b.get(i)?;
        for k in 0..i {
            s -= a.get(i * n + k)? * b.get(k)?;
        }
        *b.get_mut(i)? = s / a.get(i * n + i)?;
    }
    for i in (0..n).rev() {
        let mut s = *b.get(i)?;
        for k in i + 1..n {
            s -= a.get(k * n + i)? * b.get(k)?;
        }
        *b.get_mut(i)? = s / a.get(i * n + i)?;
    }
    Some(b)
}

/// The logistic function, without overflow.
pub fn sigmoid(x: f64) -> f64 {
    if x >= 0.0 {
        1.0 / (1.0 + (-x).exp())
    } else {
        let e = x.exp();
        e / (1.0 + e)
    }
}

/// `-log P(y | eta)` for a label 0 or 1, computed stably.
fn log_loss(y: f64, eta: f64) -> f64 {
    // log(1 + e^eta) - y * eta
    let softplus = if eta > 0.0 { eta + (-eta).exp().ln_1p() } else { eta.exp().ln_1p() };
    softplus - y * eta
}

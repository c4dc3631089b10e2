//! Small statistics shared by the measures: shares, HHI, Gini, top-k share, Spearman.
//!
//! All take plain `f64` values (amounts in pounds, counts) and return `None` where the
//! figure is undefined (an empty list, a zero total), never NaN.

/// Each value's share of the total; `None` when the total is not positive.
pub(crate) fn shares(values: &[f64]) -> Option<Vec<f64>> {
    let total: f64 = values.iter().sum();
    (total > 0.0).then(|| values.iter().map(|v| v / total).collect())
}

/// Herfindahl–Hirschman index on the 0–10,000 scale: Σ (100·sᵢ)².
pub fn hhi(values: &[f64]) -> Option<f64> {
    shares(values).map(|s| s.iter().map(|x| (100.0 * x).powi(2)).sum())
}

/// Normalised HHI: (HHI − 10,000/n) ÷ (10,000 − 10,000/n); 0 when n = 1.
pub(crate) fn normalised_hhi(values: &[f64]) -> Option<f64> {
    let h = hhi(values)?;
    let n = values.len() as f64;
    if values.len() == 1 {
        return Some(0.0);
    }
    Some((h - 10_000.0 / n) / (10_000.0 - 10_000.0 / n))
}

/// Gini coefficient G = Σᵢ Σⱼ |xᵢ − xⱼ| ÷ (2 n² x̄); 0 when n = 1. Computed in O(n log n)
/// from the sorted values: Σᵢ Σⱼ |xᵢ − xⱼ| = 2 Σᵢ (2i − n + 1) x₍ᵢ₎ for 0-based ranks.
pub fn gini(values: &[f64]) -> Option<f64> {
    let n = values.len();
    let total: f64 = values.iter().sum();
    if n == 0 || total <= 0.0 {
        return None;
    }
    if n == 1 {
        return Some(0.0);
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let nf = n as f64;
    let weighted: f64 = sorted
        .iter()
        .enumerate()
        .map(|(i, x)| (2.0 * i as f64 - nf + 1.0) * x)
        .sum();
    // Σ|xi − xj| = 2·weighted; divide by 2 n² x̄ = 2 n total.
    Some(weighted / (nf * total))
}

/// Sum of the `k` largest shares.
pub(crate) fn top_share(values: &[f64], k: usize) -> Option<f64> {
    let total: f64 = values.iter().sum();
    if total <= 0.0 {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(|a, b| b.total_cmp(a));
    Some(sorted.iter().take(k).sum::<f64>() / total)
}

/// Median of a list; `None` when empty.
pub(crate) fn median(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    })
}

/// `part ÷ whole`, `None` when `whole` is zero.
pub(crate) fn ratio(part: f64, whole: f64) -> Option<f64> {
    (whole != 0.0).then(|| part / whole)
}

/// 1-based ranks of `values`, ties given the average of the ranks they span
/// (`[10, 20, 20, 30]` → `[1, 2.5, 2.5, 4]`).
pub(crate) fn average_ranks(values: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let mut ranks = vec![0.0; values.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && values[order[j + 1]] == values[order[i]] {
            j += 1;
        }
        // Positions i..=j (0-based) hold ranks i+1..=j+1; their mean is (i + j)/2 + 1.
        let rank = (i + j) as f64 / 2.0 + 1.0;
        for &k in &order[i..=j] {
            ranks[k] = rank;
        }
        i = j + 1;
    }
    ranks
}

/// Pearson's correlation; `None` with fewer than two pairs, unequal lengths, or when either
/// list is constant (the correlation is undefined, not 0).
pub(crate) fn pearson(x: &[f64], y: &[f64]) -> Option<f64> {
    let n = x.len();
    if n < 2 || y.len() != n {
        return None;
    }
    let (mx, my) = (
        x.iter().sum::<f64>() / n as f64,
        y.iter().sum::<f64>() / n as f64,
    );
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(y) {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx) * (a - mx);
        syy += (b - my) * (b - my);
    }
    (sxx > 0.0 && syy > 0.0).then(|| (sxy / (sxx * syy).sqrt()).clamp(-1.0, 1.0))
}

/// Spearman's rank correlation: Pearson's correlation of the average ranks (so ties are
/// handled exactly, not by the 1 − 6Σd²/(n(n²−1)) shortcut, which assumes none).
pub(crate) fn spearman(x: &[f64], y: &[f64]) -> Option<f64> {
    pearson(&average_ranks(x), &average_ranks(y))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn close(a: Option<f64>, b: f64) -> bool {
        a.is_some_and(|a| (a - b).abs() < 1e-9)
    }

    #[test]
    fn hand_worked_three_recipients() {
        // £50/£30/£20: shares .5/.3/.2; HHI = 2500 + 900 + 400 = 3800.
        let v = [50.0, 30.0, 20.0];
        assert!(close(hhi(&v), 3800.0));
        // Normalised: (3800 − 3333.33) / (10000 − 3333.33) = 466.67 / 6666.67 = 0.07.
        assert!(close(normalised_hhi(&v), 0.07));
        // Gini, SPEC formula Σᵢ Σⱼ |xᵢ − xⱼ| ÷ (2 n² x̄): ordered pairs sum to
        // 2 × (20 + 30 + 10) = 120; 2 · 3² · (100/3) = 600; G = 0.2. (Issue 4 quotes
        // "0.1333…": that is the mean absolute difference 120 / 9 = 13.33 read as a share;
        // G = 13.33 / (2 × 33.33) = 0.2. METHOD.md notes this.)
        assert!(close(gini(&v), 0.2));
        assert!(close(top_share(&v, 5), 1.0));
        assert!(close(top_share(&v, 1), 0.5));
    }

    #[test]
    fn edge_cases() {
        assert_eq!(hhi(&[]), None);
        assert_eq!(hhi(&[0.0, 0.0]), None);
        assert!(close(hhi(&[7.0]), 10_000.0));
        assert!(close(normalised_hhi(&[7.0]), 0.0));
        assert!(close(gini(&[7.0]), 0.0));
        assert_eq!(gini(&[]), None);
        // Equal shares: HHI = 10000/n, normalised 0, Gini 0.
        assert!(close(hhi(&[1.0; 4]), 2500.0));
        assert!(close(normalised_hhi(&[1.0; 4]), 0.0));
        assert!(close(gini(&[1.0; 4]), 0.0));
        // One holds everything of n = 4: Gini = (n − 1)/n = 0.75.
        assert!(close(gini(&[0.0, 0.0, 0.0, 8.0]), 0.75));
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(ratio(1.0, 0.0), None);
    }

    #[test]
    fn spearman_by_hand() {
        assert_eq!(
            average_ranks(&[10.0, 20.0, 20.0, 30.0]),
            [1.0, 2.5, 2.5, 4.0]
        );
        assert_eq!(average_ranks(&[3.0, 1.0, 2.0]), [3.0, 1.0, 2.0]);
        // No ties: x = 1..5, y = 2,1,4,3,5 → d = −1,1,−1,1,0, Σd² = 4;
        // ρ = 1 − 6·4 / (5·24) = 1 − 0.2 = 0.8.
        let x = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert!(close(spearman(&x, &[2.0, 1.0, 4.0, 3.0, 5.0]), 0.8));
        // Ties: seats x = [5, 3, 3, 0, 0] → ranks [5, 3.5, 3.5, 1.5, 1.5];
        // money y = [100, 50, 80, 10, 0] → ranks [5, 3, 4, 2, 1].
        // Means 3 and 3. Deviations rx: 2, .5, .5, −1.5, −1.5; ry: 2, 0, 1, −1, −2.
        // Σ rx·ry = 4 + 0 + .5 + 1.5 + 3 = 9; Σ rx² = 4 + .25 + .25 + 2.25 + 2.25 = 9;
        // Σ ry² = 4 + 0 + 1 + 1 + 4 = 10; ρ = 9 / √90 = 0.948683…
        let rho = spearman(&[5.0, 3.0, 3.0, 0.0, 0.0], &[100.0, 50.0, 80.0, 10.0, 0.0]);
        assert!(close(rho, 9.0 / 90f64.sqrt()), "{rho:?}");
        // Perfectly reversed: −1. Constant: undefined.
        assert!(close(spearman(&x, &[5.0, 4.0, 3.0, 2.0, 1.0]), -1.0));
        assert_eq!(spearman(&x, &[1.0; 5]), None);
        assert_eq!(spearman(&[1.0], &[1.0]), None);
    }

    proptest! {
        #[test]
        fn spearman_is_a_correlation_and_ignores_monotone_rescaling(
            pairs in proptest::collection::vec((0u32..20, 0.0f64..1e6), 2..40)
        ) {
            let x: Vec<f64> = pairs.iter().map(|p| f64::from(p.0)).collect();
            let y: Vec<f64> = pairs.iter().map(|p| p.1).collect();
            if let Some(r) = spearman(&x, &y) {
                prop_assert!((-1.0..=1.0).contains(&r));
                prop_assert!((spearman(&y, &x).expect("symmetric") - r).abs() < 1e-12);
                // Ranks only: a strictly increasing transform changes nothing.
                let x2: Vec<f64> = x.iter().map(|v| v * v * 3.0 + 7.0).collect();
                prop_assert!((spearman(&x2, &y).expect("same ranks") - r).abs() < 1e-12);
            }
            // Ranks sum to n(n + 1)/2 with or without ties.
            let n = x.len() as f64;
            prop_assert!((average_ranks(&x).iter().sum::<f64>() - n * (n + 1.0) / 2.0).abs() < 1e-9);
        }

        #[test]
        fn invariants(values in proptest::collection::vec(0.0f64..1e9, 1..60)) {
            prop_assume!(values.iter().sum::<f64>() > 0.0);
            let s = shares(&values).expect("positive total");
            prop_assert!((s.iter().sum::<f64>() - 1.0).abs() < 1e-9);
            let h = hhi(&values).expect("hhi");
            prop_assert!(h > 0.0 && h <= 10_000.0 + 1e-6);
            let g = gini(&values).expect("gini");
            prop_assert!((-1e-12..=1.0).contains(&g));
            // Order does not matter.
            let mut rev = values.clone();
            rev.reverse();
            prop_assert!((gini(&rev).expect("gini") - g).abs() < 1e-9);
            prop_assert!((hhi(&rev).expect("hhi") - h).abs() < 1e-6);
            // The direct O(n²) formula agrees with the sorted one.
            let n = values.len() as f64;
            let mean = values.iter().sum::<f64>() / n;
            let direct: f64 = values.iter().flat_map(|a| values.iter().map(move |b| (a - b).abs())).sum::<f64>()
                / (2.0 * n * n * mean);
            prop_assert!((direct - g).abs() < 1e-9);
        }
    }
}

//! Multinomial logistic regression over hashed features, trained with AdaGrad.

use crate::features::{DIM, Features};

const CLASSES: usize = 6;
const EPOCHS: usize = 20;
/// AdaGrad's base rate; small, because a few hundred examples are easily over-fitted.
const RATE: f32 = 0.15;
const L2: f32 = 1e-6;

/// Weights per class and feature, and a bias per class.
#[derive(Debug, Clone)]
pub(crate) struct Model {
    w: Vec<f32>,
    b: [f32; CLASSES],
}

pub(crate) fn softmax(scores: &[f32; CLASSES]) -> [f32; CLASSES] {
    let max = scores.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut out = scores.map(|s| (s - max).exp());
    let sum: f32 = out.iter().sum();
    for p in &mut out {
        *p /= sum;
    }
    out
}

impl Model {
    pub(crate) fn train(data: &[(Features, usize)]) -> Model {
        let mut m = Model {
            w: vec![0.0; DIM * CLASSES],
            b: [0.0; CLASSES],
        };
        let mut g = vec![1e-8_f32; DIM * CLASSES];
        let mut gb = [1e-8_f32; CLASSES];
        let mut order: Vec<usize> = (0..data.len()).collect();
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        for _ in 0..EPOCHS {
            // A fixed shuffle per epoch: training is deterministic.
            for i in (1..order.len()).rev() {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                order.swap(i, usize::try_from(seed % (i as u64 + 1)).unwrap_or(0));
            }
            for &i in &order {
                let (x, y) = &data[i];
                let p = softmax(&m.scores(x));
                for c in 0..CLASSES {
                    let err = p[c] - if c == *y { 1.0 } else { 0.0 };
                    for (&id, &v) in x.ids.iter().zip(&x.values) {
                        let k = id as usize * CLASSES + c;
                        let grad = err * v + L2 * m.w[k];
                        g[k] += grad * grad;
                        m.w[k] -= RATE * grad / g[k].sqrt();
                    }
                    gb[c] += err * err;
                    m.b[c] -= RATE * err / gb[c].sqrt();
                }
            }
        }
        m
    }

    pub(crate) fn scores(&self, x: &Features) -> [f32; CLASSES] {
        let mut s = self.b;
        // Feature-major weights: a feature's six class weights share one cache line.
        for (&id, &v) in x.ids.iter().zip(&x.values) {
            let row = &self.w[id as usize * CLASSES..(id as usize + 1) * CLASSES];
            for (sc, w) in s.iter_mut().zip(row) {
                *sc += w * v;
            }
        }
        s
    }

    /// The readable features that pushed most towards `class`, strongest first.
    pub(crate) fn explain(&self, x: &Features, class: usize, n: usize) -> Vec<String> {
        let mut contrib: Vec<(f32, &str)> = x
            .ids
            .iter()
            .zip(&x.values)
            .zip(&x.shown)
            .filter_map(|((&id, &v), shown)| {
                let mean_other: f32 = (0..CLASSES)
                    .filter(|&c| c != class)
                    .map(|c| self.w[id as usize * CLASSES + c])
                    .sum::<f32>()
                    / 5.0;
                let lift = (self.w[id as usize * CLASSES + class] - mean_other) * v;
                shown.as_deref().map(|s| (lift, s))
            })
            .filter(|(lift, _)| *lift > 0.0)
            .collect();
        contrib.sort_by(|a, b| b.0.total_cmp(&a.0));
        let mut out: Vec<String> = Vec::new();
        for (_, s) in contrib {
            if !out.iter().any(|o| o == s) {
                out.push(s.to_owned());
            }
            if out.len() == n {
                break;
            }
        }
        out
    }
}

//! Evaluation: accuracy, macro-F1 and the confusion matrix, on a set or by k-fold
//! cross-validation (stratified by class, with a fixed seed so runs repeat).

use std::fmt;

use crate::{Classifier, Example, Rule};

/// How well a classifier did.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Report {
    /// Examples judged.
    pub n: usize,
    /// Share classified right.
    pub accuracy: f64,
    /// The mean of the six classes' F1.
    pub macro_f1: f64,
    /// Precision, recall, F1 and support per class.
    pub per_class: Vec<(f64, f64, f64, usize)>,
    /// `confusion[true][predicted]`.
    pub confusion: [[usize; 6]; 6],
    /// How many were marked as needing qualification.
    pub needs_qualification: usize,
}

impl Report {
    fn from_confusion(confusion: [[usize; 6]; 6], needs_qualification: usize) -> Report {
        let n: usize = confusion.iter().flatten().sum();
        let right: usize = (0..6).map(|i| confusion[i][i]).sum();
        let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
        let per_class: Vec<(f64, f64, f64, usize)> = (0..6)
            .map(|c| {
                let tp = confusion[c][c];
                let predicted: usize = (0..6).map(|t| confusion[t][c]).sum();
                let actual: usize = confusion[c].iter().sum();
                let (p, r) = (ratio(tp, predicted), ratio(tp, actual));
                let f1 = if p + r == 0.0 {
                    0.0
                } else {
                    2.0 * p * r / (p + r)
                };
                (p, r, f1, actual)
            })
            .collect();
        let macro_f1 = per_class.iter().map(|c| c.2).sum::<f64>() / 6.0;
        Report {
            n,
            accuracy: ratio(right, n),
            macro_f1,
            per_class,
            confusion,
            needs_qualification,
        }
    }
}

/// Judges a classifier on labelled examples.
pub fn evaluate(classifier: &Classifier, examples: &[Example]) -> Report {
    let mut confusion = [[0; 6]; 6];
    let mut unsure = 0;
    for e in examples {
        let got = classifier.classify(&e.subject, &e.body);
        confusion[usize::from(e.class.number() - 1)][usize::from(got.class.number() - 1)] += 1;
        unsure += usize::from(got.needs_qualification);
    }
    Report::from_confusion(confusion, unsure)
}

/// Stratified k-fold cross-validation: each fold is judged by a classifier trained on the others.
pub fn cross_validate(examples: &[Example], rules: &[Rule], k: usize) -> Report {
    let k = k.max(2);
    // Fold by position within each class, so every fold has every class in proportion.
    let mut seen = [0usize; 6];
    let folds: Vec<usize> = examples
        .iter()
        .map(|e| {
            let c = usize::from(e.class.number() - 1);
            seen[c] += 1;
            seen[c] % k
        })
        .collect();
    let mut confusion = [[0; 6]; 6];
    let mut unsure = 0;
    for fold in 0..k {
        let train: Vec<Example> = examples
            .iter()
            .zip(&folds)
            .filter(|(_, f)| **f != fold)
            .map(|(e, _)| e.clone())
            .collect();
        let test: Vec<Example> = examples
            .iter()
            .zip(&folds)
            .filter(|(_, f)| **f == fold)
            .map(|(e, _)| e.clone())
            .collect();
        let r = evaluate(&Classifier::train(&train, rules.to_vec()), &test);
        for (t, row) in r.confusion.iter().enumerate() {
            for (p, v) in row.iter().enumerate() {
                confusion[t][p] += v;
            }
        }
        unsure += r.needs_qualification;
    }
    Report::from_confusion(confusion, unsure)
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "examples: {}", self.n)?;
        writeln!(f, "accuracy: {:.3}", self.accuracy)?;
        writeln!(f, "macro-F1: {:.3}", self.macro_f1)?;
        writeln!(f, "needs qualification: {}", self.needs_qualification)?;
        writeln!(f, "class  precision  recall     F1  support")?;
        for (c, (p, r, f1, n)) in self.per_class.iter().enumerate() {
            writeln!(f, "{:>5}  {p:>9.3}  {r:>6.3}  {f1:>5.3}  {n:>7}", c + 1)?;
        }
        writeln!(f, "confusion (rows: true class, columns: predicted):")?;
        writeln!(f, "        1     2     3     4     5     6")?;
        for (t, row) in self.confusion.iter().enumerate() {
            write!(f, "{:>3}", t + 1)?;
            for v in row {
                write!(f, " {v:>5}")?;
            }
            writeln!(f)?;
        }
        Ok(())
    }
}

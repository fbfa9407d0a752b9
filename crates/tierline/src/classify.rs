//! `tierline classify`: requests as JSON Lines in, classes out; `eval` and `cv` to measure.

use std::io::{BufRead, BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Args, Subcommand};
use serde::Deserialize;
use serde_json::json;
use tierline_classify::{Classifier, cross_validate, default_rules, evaluate, parse_examples};

#[derive(Debug, Args)]
pub struct ClassifyArgs {
    #[command(subcommand)]
    pub action: Option<ClassifyAction>,
}

#[derive(Debug, Subcommand)]
pub enum ClassifyAction {
    /// Accuracy, macro-F1 and the confusion matrix on a labelled JSON Lines file ("class" on each line).
    Eval {
        /// The labelled file.
        file: PathBuf,
    },
    /// Stratified k-fold cross-validation on a labelled file (the shipped set if none is given).
    Cv {
        /// The labelled file.
        file: Option<PathBuf>,
        /// Number of folds.
        #[arg(long, default_value_t = 5)]
        folds: usize,
    },
}

/// Runs `tierline classify` as its arguments say.
pub fn dispatch(args: ClassifyArgs) -> anyhow::Result<()> {
    match args.action {
        None => run(std::io::stdin().lock(), std::io::stdout().lock()),
        Some(ClassifyAction::Eval { file }) => eval(&file, std::io::stdout().lock()),
        Some(ClassifyAction::Cv { file, folds }) => {
            cv(file.as_deref(), folds, std::io::stdout().lock())
        }
    }
}

#[derive(Deserialize)]
struct Request {
    subject: String,
    #[serde(default)]
    body: String,
}

/// Classifies each line of `input`: `{"subject": …, "body": …}` → `{"class", "confidence", "reasons"}`.
pub fn run(input: impl BufRead, output: impl Write) -> anyhow::Result<()> {
    let classifier = Classifier::shipped().context("the shipped training set does not parse")?;
    let mut out = BufWriter::new(output);
    for line in input.lines() {
        let line = line?;
        let answer = match serde_json::from_str::<Request>(&line) {
            Ok(r) => {
                let c = classifier.classify(&r.subject, &r.body);
                json!({"class": c.class, "confidence": (f64::from(c.confidence) * 1000.0).round() / 1000.0, "reasons": c.reasons})
            }
            Err(e) if line.trim().is_empty() => {
                json!({"error": format!("empty line: expected a JSON object ({e})")})
            }
            Err(e) => {
                json!({"error": format!("invalid request: {e}; expected {{\"subject\": \"...\", \"body\": \"...\"}}")})
            }
        };
        serde_json::to_writer(&mut out, &answer)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(())
}

/// Trains on the shipped set and judges a labelled file.
pub fn eval(path: &Path, mut out: impl Write) -> anyhow::Result<()> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let examples = parse_examples(&text).with_context(|| path.display().to_string())?;
    let classifier = Classifier::shipped().context("the shipped training set does not parse")?;
    write!(out, "{}", evaluate(&classifier, &examples))?;
    Ok(())
}

/// Stratified k-fold cross-validation on a labelled file (the shipped set by default).
pub fn cv(path: Option<&Path>, folds: usize, mut out: impl Write) -> anyhow::Result<()> {
    let text = match path {
        Some(p) => {
            std::fs::read_to_string(p).with_context(|| format!("cannot read {}", p.display()))?
        }
        None => tierline_classify::TEAM_SET.to_owned(),
    };
    let examples = parse_examples(&text)?;
    writeln!(out, "{folds}-fold cross-validation")?;
    write!(
        out,
        "{}",
        cross_validate(&examples, &default_rules(), folds)
    )?;
    Ok(())
}

//! What a rule reports, and the two ways `spec-check` prints it.
//!
//! A finding names the rule, the JSON pointer of the offending node and, where the YAML
//! gives it, the line. Printing is kept apart from the rules so that tests can look at the
//! findings themselves rather than at text.

use std::fmt::Write as _;

use serde_json::{Value, json};

/// How much a finding matters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The document is wrong or the generator cannot use it; the check fails.
    Error,
    /// Probably a mistake, or a practice the established linters flag; the check passes.
    Warning,
    /// For the record only, such as an additive API change or a skipped step.
    Info,
}

impl Severity {
    /// The lowercase word used in both output formats.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// One problem (or note) about the document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// How much it matters.
    pub severity: Severity,
    /// The rule that found it, such as `unknown-key`.
    pub rule: &'static str,
    /// JSON pointer of the node at fault; empty for the whole document.
    pub pointer: String,
    /// 1-based line of that node in the YAML text, when known.
    pub line: Option<usize>,
    /// What is wrong, lowercase, naming the concrete thing.
    pub message: String,
    /// How to fix it, when there is something useful to say.
    pub hint: Option<String>,
}

impl Finding {
    /// An error of `rule` at `pointer`.
    pub fn error(
        rule: &'static str,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self::new(Severity::Error, rule, pointer, message)
    }

    /// A warning of `rule` at `pointer`.
    pub fn warning(
        rule: &'static str,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self::new(Severity::Warning, rule, pointer, message)
    }

    /// An informational note of `rule` at `pointer`.
    pub fn info(
        rule: &'static str,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self::new(Severity::Info, rule, pointer, message)
    }

    fn new(
        severity: Severity,
        rule: &'static str,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Finding {
            severity,
            rule,
            pointer: pointer.into(),
            line: None,
            message: message.into(),
            hint: None,
        }
    }

    /// Adds the fix to suggest after the message.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Sets the line explicitly (for findings that have no pointer, such as syntax errors).
    pub fn at_line(mut self, line: usize) -> Self {
        self.line = Some(line);
        self
    }

    /// One line: `error[rule] FILE:LINE: /pointer: message; hint`.
    pub fn to_human(&self, file: &str) -> String {
        let mut out = format!("{}[{}] {file}", self.severity.as_str(), self.rule);
        if let Some(line) = self.line {
            let _ = write!(out, ":{line}");
        }
        out.push_str(": ");
        if !self.pointer.is_empty() {
            let _ = write!(out, "{}: ", self.pointer);
        }
        out.push_str(&self.message);
        if let Some(hint) = &self.hint {
            let _ = write!(out, "; {hint}");
        }
        out
    }

    /// The JSON object printed by `--format json`.
    pub fn to_json(&self) -> Value {
        json!({
            "severity": self.severity.as_str(),
            "rule": self.rule,
            "pointer": self.pointer,
            "line": self.line,
            "message": self.message,
            "hint": self.hint,
        })
    }
}

/// Counts of findings by severity, for the summary line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// Findings of severity error.
    pub errors: usize,
    /// Findings of severity warning.
    pub warnings: usize,
    /// Findings of severity info.
    pub infos: usize,
}

impl Tally {
    /// Counts `findings`.
    pub fn of(findings: &[Finding]) -> Self {
        let mut tally = Tally::default();
        for finding in findings {
            match finding.severity {
                Severity::Error => tally.errors += 1,
                Severity::Warning => tally.warnings += 1,
                Severity::Info => tally.infos += 1,
            }
        }
        tally
    }

    /// `spec-check: 2 errors, 0 warnings (FILE)`.
    pub fn summary(&self, file: &str) -> String {
        format!(
            "spec-check: {} {}, {} {} ({file})",
            self.errors,
            plural(self.errors, "error"),
            self.warnings,
            plural(self.warnings, "warning"),
        )
    }
}

fn plural(count: usize, word: &str) -> String {
    if count == 1 {
        word.to_owned()
    } else {
        format!("{word}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_line_has_rule_file_line_pointer_message_and_hint() {
        let finding = Finding::error("unknown-key", "/info/titel", "unknown key `titel`")
            .hint("did you mean `title`?")
            .at_line(3);
        assert_eq!(
            finding.to_human("openapi/x.yaml"),
            "error[unknown-key] openapi/x.yaml:3: /info/titel: unknown key `titel`; \
             did you mean `title`?"
        );
    }

    #[test]
    fn human_line_without_line_or_pointer_stays_readable() {
        let finding = Finding::info("breaking-change", "", "skipped: no git");
        assert_eq!(
            finding.to_human("f.yaml"),
            "info[breaking-change] f.yaml: skipped: no git"
        );
    }

    #[test]
    fn summary_uses_singular_for_one() {
        let tally = Tally {
            errors: 1,
            warnings: 2,
            infos: 0,
        };
        assert_eq!(
            tally.summary("f.yaml"),
            "spec-check: 1 error, 2 warnings (f.yaml)"
        );
    }
}

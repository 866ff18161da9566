// preflight patch: the one addition to cfn-guard 3.2.1 (see PATCHED.md).

//! Rules parsed once, evaluated against many documents.
//!
//! `cfn-guard validate` parses every rules file for each run. A host that evaluates the
//! same rules against many templates in one process (preflight keeps a warm instance
//! per worker) can parse them once with [`parse`], read each document once with
//! [`load_data`], and evaluate each pair with [`evaluate`], which does what `validate
//! --structured` does for one rules file and one data file: `root_scope`,
//! `eval_rules_file` with the event recorder, and `simplified_json_from_root`. The
//! report is the `FileReport` `validate --structured -o json` prints, as a JSON value.

use std::convert::TryFrom;
use std::rc::Rc;

use crate::rules::eval::eval_rules_file;
use crate::rules::eval_context::{root_scope, simplified_json_from_root};
use crate::rules::errors::{Error, InternalError};
use crate::rules::exprs::RulesFile;
use crate::rules::path_value::PathAwareValue;

/// A parsed rules file, borrowing its text and name.
pub struct Rules<'r> {
    file: RulesFile<'r>,
}

/// A parsed data document.
pub struct Data {
    value: Rc<PathAwareValue>,
}

/// Parses a rules file as `validate` does (`parse_rules`): `Ok(None)` when it holds no
/// rules (only comments).
pub fn parse<'r>(text: &'r str, name: &'r str) -> Result<Option<Rules<'r>>, Error> {
    Ok(crate::commands::validate::parse_rules(text, name)?.map(|file| Rules { file }))
}

/// Reads a data document (YAML or JSON text) as `validate` reads a data file, with the
/// same errors.
pub fn load_data(content: &str, name: &str) -> Result<Data, Error> {
    if content.trim().is_empty() {
        return Err(Error::ParseError(format!(
            "Unable to parse a template from data file: {name} is empty"
        )));
    }
    let value = match crate::rules::values::read_from(content) {
        Ok(value) => PathAwareValue::try_from(value)?,
        Err(e) => {
            if matches!(e, Error::InternalError(InternalError::InvalidKeyType(..))) {
                return Err(Error::ParseError(e.to_string()));
            }
            let str_len: usize = std::cmp::min(content.len(), 100);
            return Err(Error::ParseError(format!(
                "Error encountered while parsing data file: {name}, data beginning with \n{}\n ...",
                &content[..str_len]
            )));
        }
    };
    Ok(Data {
        value: Rc::new(value),
    })
}

/// Evaluates `rules` against `data` (named `data_name` in the report) and returns the
/// report `validate --structured -o json` prints for them.
pub fn evaluate(
    rules: &Rules<'_>,
    data: &Data,
    data_name: &str,
) -> Result<serde_json::Value, Error> {
    let mut scope = root_scope(&rules.file, Rc::clone(&data.value));
    eval_rules_file(&rules.file, &mut scope, Some(data_name))?;
    let root = scope.reset_recorder().extract();
    let report = simplified_json_from_root(&root)?;
    Ok(serde_json::to_value(&report)?)
}

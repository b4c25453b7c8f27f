//! [`WebhookError`]: why an admission webhook denies a request, shaped like the API server's
//! own errors (apimachinery's `field.ErrorList` → `apierrors.NewInvalid`).

use std::fmt;

use kube::core::Status;
use kube::core::response::{StatusCause, StatusDetails, StatusSummary};
use serde::Serialize;
use serde_json::Value;

use super::Warnings;

/// The kind of a [`FieldError`], apimachinery's `field.ErrorType`.
pub use cargo_operator_core::field::ErrorType as FieldErrorType;

/// What is wrong with one field: its path (`spec.replicas`, `spec.containers[0].name`), the
/// bad value if worth showing, and a message — apimachinery's `field.Error`.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldError {
    /// The kind of problem.
    pub kind: FieldErrorType,
    /// The field's path, as named in the object's JSON (`spec.replicas`).
    pub field: String,
    /// The bad value, shown in the message as JSON.
    pub value: Option<Value>,
    /// What is wrong or what is expected.
    pub detail: String,
}

impl FieldError {
    /// Any kind of field error.
    pub fn new(
        kind: FieldErrorType,
        field: impl Into<String>,
        value: Option<Value>,
        detail: impl Into<String>,
    ) -> Self {
        Self {
            kind,
            field: field.into(),
            value,
            detail: detail.into(),
        }
    }

    /// `spec.replicas: Invalid value: 5: must be at most 3`.
    pub fn invalid(
        field: impl Into<String>,
        value: impl Serialize,
        detail: impl Into<String>,
    ) -> Self {
        Self::new(FieldErrorType::Invalid, field, to_json(value), detail)
    }

    /// `spec.image: Required value: the image to run`.
    pub fn required(field: impl Into<String>, detail: impl Into<String>) -> Self {
        Self::new(FieldErrorType::Required, field, None, detail)
    }

    /// `spec.size: Forbidden: cannot be changed once set`.
    pub fn forbidden(field: impl Into<String>, detail: impl Into<String>) -> Self {
        Self::new(FieldErrorType::Forbidden, field, None, detail)
    }

    /// `spec.mode: Unsupported value: "fast": supported values: "safe", "slow"`.
    pub fn not_supported(field: impl Into<String>, value: impl Serialize, valid: &[&str]) -> Self {
        let detail = if valid.is_empty() {
            String::new()
        } else {
            let quoted: Vec<String> = valid.iter().map(|v| format!("{v:?}")).collect();
            format!("supported values: {}", quoted.join(", "))
        };
        Self::new(FieldErrorType::NotSupported, field, to_json(value), detail)
    }

    /// `spec.ports[1].name: Duplicate value: "http"`.
    pub fn duplicate(field: impl Into<String>, value: impl Serialize) -> Self {
        Self::new(FieldErrorType::Duplicate, field, to_json(value), "")
    }

    /// The message without the field: `Invalid value: 5: must be at most 3` (`ErrorBody`).
    pub fn body(&self) -> String {
        let mut body = self.kind.text().to_string();
        if let Some(value) = self.value.as_ref().filter(|_| !self.kind.omits_value()) {
            body.push_str(": ");
            body.push_str(&value.to_string());
        }
        if !self.detail.is_empty() {
            body.push_str(": ");
            body.push_str(&self.detail);
        }
        body
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.body())
    }
}

fn to_json(value: impl Serialize) -> Option<Value> {
    serde_json::to_value(value).ok()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reason {
    Invalid,
    Forbidden,
    Internal,
}

/// Why a webhook denies a request (or could not decide). The response carries a `Status` the
/// API server passes on to the client: `kubectl` shows `admission webhook "…" denied the
/// request: <message>`.
///
/// - [`WebhookError::invalid`]: field errors, as the API server reports a failed validation —
///   code 422, reason `Invalid`, message `Guestbook.webapp.example.com "name" is invalid:
///   spec.size: Invalid value: 5: must be at most 3`, each field in `details.causes`;
/// - [`WebhookError::forbidden`] / [`WebhookError::msg`]: a plain denial, code 403, reason
///   `Forbidden`;
/// - [`WebhookError::internal`]: the webhook failed (code 500, reason `InternalError`).
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookError {
    reason: Reason,
    message: String,
    causes: Vec<FieldError>,
    warnings: Warnings,
}

impl WebhookError {
    /// The object is invalid: one or more field errors (code 422).
    pub fn invalid(errors: impl IntoIterator<Item = FieldError>) -> Self {
        Self {
            reason: Reason::Invalid,
            message: String::new(),
            causes: errors.into_iter().collect(),
            warnings: Vec::new(),
        }
    }

    /// The request is denied with this message (code 403).
    pub fn forbidden(message: impl fmt::Display) -> Self {
        Self {
            reason: Reason::Forbidden,
            message: message.to_string(),
            causes: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// The request is denied with this message: the same as [`forbidden`](Self::forbidden),
    /// controller-runtime's answer to a plain error.
    pub fn msg(message: impl fmt::Display) -> Self {
        Self::forbidden(message)
    }

    /// The webhook could not decide, e.g. the API server it asked failed (code 500).
    pub fn internal(error: impl fmt::Display) -> Self {
        Self {
            reason: Reason::Internal,
            message: error.to_string(),
            causes: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// Warnings to return with the denial.
    pub fn with_warnings(mut self, warnings: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.warnings.extend(warnings.into_iter().map(Into::into));
        self
    }

    /// The HTTP status code of the `Status`: 422, 403 or 500.
    pub fn code(&self) -> u16 {
        match self.reason {
            Reason::Invalid => 422,
            Reason::Forbidden => 403,
            Reason::Internal => 500,
        }
    }

    /// The `reason` of the `Status`: `Invalid`, `Forbidden` or `InternalError`.
    pub fn reason(&self) -> &'static str {
        match self.reason {
            Reason::Invalid => "Invalid",
            Reason::Forbidden => "Forbidden",
            Reason::Internal => "InternalError",
        }
    }

    /// The field errors of an [`invalid`](Self::invalid) error.
    pub fn field_errors(&self) -> &[FieldError] {
        &self.causes
    }

    /// The warnings added with [`with_warnings`](Self::with_warnings).
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    pub(crate) fn take_warnings(&mut self) -> Warnings {
        std::mem::take(&mut self.warnings)
    }

    /// The `Status` of the response about the object `name` of `kind` in `group`.
    pub fn to_status(&self, group: &str, kind: &str, name: &str) -> Status {
        let mut status = Status {
            status: Some(StatusSummary::Failure),
            code: self.code(),
            reason: self.reason().to_string(),
            ..Status::default()
        };
        match self.reason {
            Reason::Invalid => {
                let qualified = if group.is_empty() {
                    kind.to_string()
                } else {
                    format!("{kind}.{group}")
                };
                status.message = match self.causes.as_slice() {
                    [] => format!("{qualified} {name:?} is invalid"),
                    [one] => format!("{qualified} {name:?} is invalid: {one}"),
                    many => {
                        let all: Vec<String> = many.iter().map(ToString::to_string).collect();
                        format!("{qualified} {name:?} is invalid: [{}]", all.join(", "))
                    }
                };
                status.details = Some(StatusDetails {
                    name: name.to_string(),
                    group: group.to_string(),
                    kind: kind.to_string(),
                    uid: String::new(),
                    causes: self
                        .causes
                        .iter()
                        .map(|e| StatusCause {
                            reason: e.kind.reason().to_string(),
                            message: e.body(),
                            field: e.field.clone(),
                        })
                        .collect(),
                    retry_after_seconds: 0,
                });
            }
            Reason::Forbidden | Reason::Internal => status.message = self.message.clone(),
        }
        status
    }
}

impl fmt::Display for WebhookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.reason {
            Reason::Invalid => {
                let all: Vec<String> = self.causes.iter().map(ToString::to_string).collect();
                write!(f, "invalid: {}", all.join(", "))
            }
            Reason::Forbidden => f.write_str(&self.message),
            Reason::Internal => write!(f, "internal error: {}", self.message),
        }
    }
}

impl std::error::Error for WebhookError {}

impl From<kube::Error> for WebhookError {
    /// An API request of the webhook failed: an internal error.
    fn from(error: kube::Error) -> Self {
        Self::internal(error)
    }
}

impl From<serde_json::Error> for WebhookError {
    fn from(error: serde_json::Error) -> Self {
        Self::internal(error)
    }
}

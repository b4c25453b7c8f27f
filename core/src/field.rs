//! apimachinery's `field.ErrorType`: how the API server names what is wrong with a field, in
//! a `Status`'s causes (`reason`) and in its message (`Invalid value: ...`). Webhook denials
//! use it so that they read like the API server's own errors; CEL rules may pick some of them
//! as their `reason` (the `REASONS` of the cel module).

/// One kind of field error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorType {
    /// A required field is missing (`FieldValueRequired`).
    Required,
    /// The value is not valid (`FieldValueInvalid`).
    Invalid,
    /// The field may not be set, or not to this value (`FieldValueForbidden`).
    Forbidden,
    /// The value is already used where it must be unique (`FieldValueDuplicate`).
    Duplicate,
    /// The value is not one of the supported ones (`FieldValueNotSupported`).
    NotSupported,
    /// Something the value refers to does not exist (`FieldValueNotFound`).
    NotFound,
    /// The value is too long (`FieldValueTooLong`).
    TooLong,
    /// The list has too many items (`FieldValueTooMany`).
    TooMany,
    /// Checking the field failed (`InternalError`).
    Internal,
}

impl ErrorType {
    /// The `reason` of the field's `StatusCause`, e.g. `FieldValueInvalid`.
    pub const fn reason(self) -> &'static str {
        match self {
            Self::Required => "FieldValueRequired",
            Self::Invalid => "FieldValueInvalid",
            Self::Forbidden => "FieldValueForbidden",
            Self::Duplicate => "FieldValueDuplicate",
            Self::NotSupported => "FieldValueNotSupported",
            Self::NotFound => "FieldValueNotFound",
            Self::TooLong => "FieldValueTooLong",
            Self::TooMany => "FieldValueTooMany",
            Self::Internal => "InternalError",
        }
    }

    /// How a message names it, e.g. `Invalid value`.
    pub const fn text(self) -> &'static str {
        match self {
            Self::Required => "Required value",
            Self::Invalid => "Invalid value",
            Self::Forbidden => "Forbidden",
            Self::Duplicate => "Duplicate value",
            Self::NotSupported => "Unsupported value",
            Self::NotFound => "Not found",
            Self::TooLong => "Too long",
            Self::TooMany => "Too many",
            Self::Internal => "Internal error",
        }
    }

    /// Whether a message leaves the bad value out, as apimachinery does for these types.
    pub const fn omits_value(self) -> bool {
        matches!(
            self,
            Self::Required | Self::Forbidden | Self::TooLong | Self::Internal
        )
    }
}

//! Every Kubernetes rule cargo-operator applies, written once.
//!
//! The derive checks attributes against these rules at compile time, the code it expands to
//! calls them to assemble CRDs, the runtime registers RBAC rules with them, and the CLI
//! validates names and manifests with them. Nothing here talks to a cluster: the crate is
//! plain data and functions over `serde_json` values, light enough for a proc-macro to depend
//! on, and (with the `syntax` feature) the typed attributes parsed from Rust syntax.
//!
//! | module | rules |
//! |---|---|
//! | [`kubernetes`] | the Kubernetes version generated projects target |
//! | [`names`] | DNS labels and subdomains, API versions, kinds, plurals, Rust and cargo names |
//! | [`schema`] | structural schemas: the API server's rules, patches, defaults |
//! | [`crd`] | CustomResourceDefinition assembly, version merging, file names |
//! | [`rbac`] | the `#[rbac]` grammar, RBAC verbs, controller-gen's rule normalisation |
//! | [`webhook`] | the `#[webhook]` grammar, controller-gen's webhook configurations, kubebuilder's paths, the CRD conversion block |
//! | [`cel`] | `x-kubernetes-validations`: reasons and field paths |
//! | [`field`] | apimachinery's field error types (webhook denials, CEL reasons) |
//! | `syntax` | the derive's attributes, typed (darling), and serde's view of fields |

pub mod cel;
pub mod crd;
pub mod field;
pub mod kubernetes;
pub mod markers;
pub mod names;
pub mod rbac;
pub mod regex;
pub mod schema;
#[cfg(feature = "syntax")]
pub mod syntax;
pub mod webhook;

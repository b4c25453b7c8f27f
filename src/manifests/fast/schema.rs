//! schemars 1's root schema of a type, reproduced from its source: what
//! `#[derive(JsonSchema)]` and `#[derive(Schema)]` expand to and schemars' own impls return,
//! for the types the fast route decides — structs with named fields, unit enums, the standard
//! scalars and containers, the Kubernetes types of core's table. Anything else is refused.
//!
//! The schema is schemars' *before* core's [`finish`](cargo_operator_core::schema::generated):
//! structs and enums as `$defs` behind `$ref`s, `Option<T>` as schemars says `null`, docs as
//! descriptions, `#[field(...)]` patches of nested types merged where their transforms merge
//! them. schemars' `default`s are left out: `finish` drops every one of them.

use cargo_operator_core::schema::{Object, k8s, patch};
use cargo_operator_core::syntax::attrs::{Errors, field};
use cargo_operator_core::syntax::fields;
use cargo_operator_core::syntax::serde_names::{self, SerdeValue};
use serde_json::{Value, json};

use super::Refusal;
use super::source::{Crate, Def, plain_attribute};

/// The derives of a struct or enum that matter here.
#[derive(Default)]
pub struct Derives {
    pub json_schema: bool,
    pub schema: bool,
    pub custom_resource: bool,
}

/// Which of ours (and schemars') derives `attrs` name, resolved in module `m`.
pub fn derives(krate: &Crate, m: usize, attrs: &[syn::Attribute]) -> Result<Derives, Refusal> {
    let mut found = Derives::default();
    for attr in attrs.iter().filter(|a| a.path().is_ident("derive")) {
        let paths = attr
            .parse_args_with(
                syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
            )
            .map_err(|e| Refusal::new(format!("a `#[derive]` does not parse: {e}")))?;
        for path in paths {
            let segments = idents(&path)?;
            let Some(Def::External(full)) = krate.resolve(m, &segments, true) else {
                continue;
            };
            let full: Vec<&str> = full.iter().map(String::as_str).collect();
            match full.as_slice() {
                ["schemars", "JsonSchema"] => found.json_schema = true,
                ["cargo_operator_runtime", "Schema"] => found.schema = true,
                ["cargo_operator_runtime", "CustomResource"] => found.custom_resource = true,
                [.., "JsonSchema" | "Schema" | "CustomResource"] => {
                    return Err(Refusal::new(format!(
                        "derives `{}`, which is not schemars' or cargo-operator's",
                        full.join("::")
                    )));
                }
                _ => {}
            }
        }
    }
    Ok(found)
}

/// A path's segments, refused if it has generic arguments.
pub fn idents(path: &syn::Path) -> Result<Vec<String>, Refusal> {
    if path.leading_colon.is_some() {
        return Err(Refusal::new("a path with a leading `::`".into()));
    }
    path.segments
        .iter()
        .map(|s| match s.arguments {
            syn::PathArguments::None => Ok(s.ident.to_string()),
            _ => Err(Refusal::new(format!(
                "the path `{}` has generic arguments",
                written(path)
            ))),
        })
        .collect()
}

/// Generates one root schema, as `SchemaGenerator::into_root_schema_for` does.
pub struct Generator<'a> {
    krate: &'a Crate,
    definitions: Object,
    /// Definitions being generated: one met again contains itself.
    pending: Vec<String>,
}

impl<'a> Generator<'a> {
    /// The root schema of struct `index` of module `m` (the spec or status of a kind); when
    /// `spec`, its `#[field(...)]` patches are left to `finish`, as `schema_of` does, and the
    /// caller has checked them.
    pub fn root(krate: &'a Crate, m: usize, index: usize, spec: bool) -> Result<Object, Refusal> {
        let mut generator = Generator {
            krate,
            definitions: Object::new(),
            pending: vec![definition_name(
                krate,
                m,
                &krate.modules[m].structs[index].ident,
            )],
        };
        let mut root = generator.struct_schema(m, index, spec)?;
        if !generator.definitions.is_empty() {
            root.insert("$defs".into(), Value::Object(generator.definitions));
        }
        let mut root = Value::Object(root);
        replace_bool_schemas(&mut root);
        Ok(std::mem::take(ensure_object(&mut root)))
    }

    /// `generator.subschema_for::<ty>()`, `ty` written in module `m`.
    fn subschema(&mut self, ty: &syn::Type, m: usize) -> Result<Value, Refusal> {
        let syn::Type::Path(syn::TypePath {
            qself: None, path, ..
        }) = ty
        else {
            return Err(Refusal::new(format!(
                "the field type `{}` is not a plain path",
                written(ty)
            )));
        };
        let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        let args: Vec<&syn::Type> = match &path.segments.last().map(|s| &s.arguments) {
            Some(syn::PathArguments::AngleBracketed(a)) => a
                .args
                .iter()
                .map(|arg| match arg {
                    syn::GenericArgument::Type(t) => Ok(t),
                    _ => Err(Refusal::new(format!(
                        "the field type `{}` has a non-type generic argument",
                        written(ty)
                    ))),
                })
                .collect::<Result<_, _>>()?,
            Some(syn::PathArguments::Parenthesized(_)) => {
                return Err(Refusal::new("a function type".into()));
            }
            _ => Vec::new(),
        };
        if path
            .segments
            .iter()
            .rev()
            .skip(1)
            .any(|s| !s.arguments.is_none())
        {
            return Err(Refusal::new("generic arguments inside a type path".into()));
        }
        let unknown = || {
            Refusal::new(format!(
                "the field type `{}` is not one the fast route knows",
                written(ty)
            ))
        };
        match self.krate.resolve(m, &segments, true) {
            Some(Def::External(full)) => self.external(&full, &args, m)?.ok_or_else(unknown),
            Some(Def::Struct(sm, si)) if args.is_empty() => {
                let name =
                    definition_name(self.krate, sm, &self.krate.modules[sm].structs[si].ident);
                self.reference(name, |g| g.struct_schema(sm, si, false))
            }
            Some(Def::Enum(em, ei)) if args.is_empty() => {
                let name = definition_name(self.krate, em, &self.krate.modules[em].enums[ei].ident);
                self.reference(name, |g| g.enum_schema(em, ei))
            }
            _ => Err(unknown()),
        }
    }

    /// A `$ref` to the definition `name`, generated by `generate` the first time.
    fn reference(
        &mut self,
        name: String,
        generate: impl FnOnce(&mut Self) -> Result<Object, Refusal>,
    ) -> Result<Value, Refusal> {
        if self.pending.contains(&name) {
            return Err(Refusal::new(format!("`{name}` contains itself")));
        }
        if !self.definitions.contains_key(&name) {
            self.pending.push(name.clone());
            let schema = generate(self)?;
            self.pending.pop();
            self.definitions.insert(name.clone(), Value::Object(schema));
        }
        Ok(json!({ "$ref": format!("#/$defs/{name}") }))
    }

    /// A type from outside the crate; `None`: not one known here.
    fn external(
        &mut self,
        full: &[String],
        args: &[&syn::Type],
        m: usize,
    ) -> Result<Option<Value>, Refusal> {
        let full: Vec<&str> = full.iter().map(String::as_str).collect();
        let kubernetes = match full.as_slice() {
            ["k8s_openapi", rest @ ..] | ["cargo_operator_runtime", "k8s_openapi", rest @ ..] => {
                Some(rest)
            }
            _ => None,
        };
        if let Some(rest) = kubernetes {
            let name = format!("io.k8s.{}", rest.join("."));
            let known = args.is_empty() && k8s::has(&name);
            return Ok(known.then(|| json!({ "$ref": format!("#/$defs/{name}") })));
        }
        let map = |g: &mut Self, key: &syn::Type, value: &syn::Type| {
            if g.subschema(key, m)? != json!({ "type": "string" }) {
                return Ok(None);
            }
            let value = g.subschema(value, m)?;
            Ok(Some(
                json!({ "type": "object", "additionalProperties": value }),
            ))
        };
        match (full.as_slice(), args) {
            // schemars' `true` schema: anything.
            (["serde_json", "Value"] | ["serde_json", "value", "Value"], []) => {
                return Ok(Some(Value::Bool(true)));
            }
            (["serde_json", "Map"] | ["serde_json", "map", "Map"], [key, value]) => {
                return map(self, key, value);
            }
            (["serde_json", ..], _) => return Ok(None),
            _ => {}
        }
        let name = match full.as_slice() {
            [name] => *name,
            ["std" | "core" | "alloc", .., name] => *name,
            _ => return Ok(None),
        };
        let arity = match name {
            "Option" | "Box" | "Vec" | "VecDeque" | "BTreeSet" | "HashSet" => 1,
            "BTreeMap" | "HashMap" => 2,
            _ => 0,
        };
        if args.len() != arity {
            return Ok(None);
        }
        let scalar = |t: &str| json!({ "type": t });
        let formatted = |t: &str, f: &str| json!({ "type": t, "format": f });
        Ok(Some(match name {
            "String" | "str" => scalar("string"),
            "bool" => scalar("boolean"),
            "f32" => formatted("number", "float"),
            "f64" => formatted("number", "double"),
            "i32" => formatted("integer", "int32"),
            "i64" => formatted("integer", "int64"),
            "i128" => formatted("integer", "int128"),
            "isize" => formatted("integer", "int"),
            "i8" => ranged("int8", i8::MIN.into(), i8::MAX.into()),
            "i16" => ranged("int16", i16::MIN.into(), i16::MAX.into()),
            "u8" => ranged("uint8", 0, u8::MAX.into()),
            "u16" => ranged("uint16", 0, u16::MAX.into()),
            "u32" | "u64" | "u128" | "usize" => {
                let format = match name {
                    "u32" => "uint32",
                    "u64" => "uint64",
                    "u128" => "uint128",
                    _ => "uint",
                };
                json!({ "type": "integer", "format": format, "minimum": 0 })
            }
            "Option" => {
                let mut inner = self.subschema(args[0], m)?;
                allow_null(&mut inner);
                inner
            }
            "Box" => self.subschema(args[0], m)?,
            "Vec" | "VecDeque" => json!({ "type": "array", "items": self.subschema(args[0], m)? }),
            "BTreeSet" | "HashSet" => {
                json!({ "type": "array", "uniqueItems": true, "items": self.subschema(args[0], m)? })
            }
            "BTreeMap" | "HashMap" => return map(self, args[0], args[1]),
            _ => return Ok(None),
        }))
    }

    /// `JsonSchema::json_schema` of a struct deriving `JsonSchema` or `Schema` (the spec of a
    /// kind derives `JsonSchema` and `CustomResource`).
    fn struct_schema(&mut self, m: usize, index: usize, spec: bool) -> Result<Object, Refusal> {
        let krate = self.krate;
        let item = &krate.modules[m].structs[index];
        let derives = derives(krate, m, &item.attrs)?;
        let patched = match (derives.json_schema, derives.schema, derives.custom_resource) {
            (true, false, cr) if cr == spec => false,
            (false, true, false) if !spec => true,
            _ => {
                return Err(Refusal::new(
                    "its derives are not exactly one of `JsonSchema` or `Schema` (with `CustomResource` on a spec)".into(),
                ));
            }
        };
        if !item.generics.params.is_empty() {
            return Err(Refusal::new("it is generic".into()));
        }
        let syn::Fields::Named(named) = &item.fields else {
            return Err(Refusal::new("it has no named fields".into()));
        };
        let allowed: &[&str] = if spec {
            &["resource", "field"]
        } else {
            &["field"]
        };
        for attr in &item.attrs {
            let path = attr.path();
            if !(plain_attribute(attr)
                || path.is_ident("derive")
                || path.is_ident("serde")
                || allowed.iter().any(|a| path.is_ident(a)))
            {
                return Err(Refusal::new(format!(
                    "it has the attribute `#[{}]`",
                    written(path)
                )));
            }
        }
        let container_serde = serde_keys(&item.attrs)?;
        for (key, value) in &container_serde {
            let fine = match key.as_str() {
                "rename_all" => value.is_some(),
                "default" => value.is_none(),
                _ => false,
            };
            if !fine {
                return Err(Refusal::new(format!("it has `#[serde({key})]`")));
            }
        }
        let container_default = container_serde.iter().any(|(k, _)| k == "default");
        let rename_all = container_serde
            .iter()
            .find(|(k, _)| k == "rename_all")
            .and_then(|(_, v)| v.clone());

        // A spec's patches are `finish`'s, read (and checked) by the caller.
        let (patches, container) = if spec {
            (Vec::new(), None)
        } else {
            let mut errors = Errors::default();
            let patches = fields::patches(named, &item.attrs, &item.ident, &mut errors);
            let container = field::parse_container(&item.attrs, &item.ident, &mut errors);
            if !errors.is_empty() {
                return Err(Refusal::compile_error("it", errors));
            }
            (patches, container)
        };
        if !patched && (!patches.is_empty() || container.is_some()) {
            return Err(Refusal::new(
                "it derives `JsonSchema`, which does not read `#[field(...)]`".into(),
            ));
        }

        let mut schema = object(json!({ "type": "object" }));
        for (i, f) in named.named.iter().enumerate() {
            let keys = field_serde(f)?;
            if keys.skip {
                continue;
            }
            let name = match &keys.rename {
                Some(name) => name.clone(),
                None => serde_names::apply_rule(
                    rename_all.as_deref(),
                    f.ident
                        .as_ref()
                        .map(|i| i.to_string())
                        .unwrap_or_default()
                        .trim_start_matches("r#"),
                ),
            };
            for attr in &f.attrs {
                let path = attr.path();
                if !(path.is_ident("doc") || path.is_ident("serde") || path.is_ident("field")) {
                    return Err(Refusal::new(format!(
                        "its field `{name}` has the attribute `#[{}]`",
                        written(path)
                    )));
                }
            }
            let mut property = self
                .subschema(&f.ty, m)
                .map_err(|r| r.within(&format!("field `{name}`")))?;
            describe(&mut property, &f.attrs)?;
            if patched && let Some(p) = patches.iter().find(|p| p.index == i) {
                patch::merge(ensure_object(&mut property), patch::parse(&p.json));
            }
            let optional = container_default || keys.default || is_option(&f.ty);
            let properties = schema
                .entry("properties")
                .or_insert_with(|| Value::Object(Object::new()));
            if let Value::Object(properties) = properties {
                properties.insert(name.clone(), property);
            }
            if !optional {
                let required = schema
                    .entry("required")
                    .or_insert_with(|| Value::Array(Vec::new()));
                if let Value::Array(required) = required {
                    required.push(Value::String(name));
                }
            }
        }
        let mut schema = Value::Object(schema);
        describe(&mut schema, &item.attrs)?;
        let mut schema = std::mem::take(ensure_object(&mut schema));
        if patched && let Some(container) = container {
            patch::merge(
                &mut schema,
                patch::parse(&Value::Object(container).to_string()),
            );
        }
        Ok(schema)
    }

    /// `JsonSchema::json_schema` of a unit-only enum deriving `JsonSchema`.
    fn enum_schema(&mut self, m: usize, index: usize) -> Result<Object, Refusal> {
        let item = &self.krate.modules[m].enums[index];
        let derives = derives(self.krate, m, &item.attrs)?;
        if !derives.json_schema || derives.schema || derives.custom_resource {
            return Err(Refusal::new(
                "the enum does not derive `JsonSchema` alone".into(),
            ));
        }
        if !item.generics.params.is_empty() {
            return Err(Refusal::new("the enum is generic".into()));
        }
        for attr in &item.attrs {
            if !(plain_attribute(attr)
                || attr.path().is_ident("derive")
                || attr.path().is_ident("serde"))
            {
                return Err(Refusal::new(format!(
                    "the enum has the attribute `#[{}]`",
                    written(attr.path())
                )));
            }
        }
        let mut rename_all = None;
        for (key, value) in serde_keys(&item.attrs)? {
            match (key.as_str(), value) {
                ("rename_all", Some(rule)) => rename_all = Some(rule),
                _ => return Err(Refusal::new(format!("the enum has `#[serde({key})]`"))),
            }
        }
        let mut names = Vec::new();
        for variant in &item.variants {
            if !matches!(variant.fields, syn::Fields::Unit) {
                return Err(Refusal::new("the enum has a variant with data".into()));
            }
            let mut name =
                serde_names::apply_variant_rule(rename_all.as_deref(), &variant.ident.to_string());
            for attr in &variant.attrs {
                if attr.path().is_ident("default") {
                    continue;
                }
                if !attr.path().is_ident("serde") {
                    return Err(Refusal::new(format!(
                        "the variant `{}` has the attribute `#[{}]` (a doc makes schemars describe each variant)",
                        variant.ident,
                        written(attr.path())
                    )));
                }
                for (key, value) in serde_keys(std::slice::from_ref(attr))? {
                    match (key.as_str(), value) {
                        ("rename", Some(renamed)) => name = renamed,
                        _ => {
                            return Err(Refusal::new(format!(
                                "the variant `{}` has `#[serde({key})]`",
                                variant.ident
                            )));
                        }
                    }
                }
            }
            names.push(Value::String(name));
        }
        let mut schema = json!({ "type": "string", "enum": names });
        describe(&mut schema, &item.attrs)?;
        Ok(std::mem::take(ensure_object(&mut schema)))
    }
}

/// Tokens as a person writes them: `Option<std::num::NonZeroU32>`, not
/// `Option < std :: num :: NonZeroU32 >`.
pub fn written(tokens: &impl quote::ToTokens) -> String {
    tokens
        .to_token_stream()
        .to_string()
        .replace(" :: ", "::")
        .replace(" < ", "<")
        .replace(" >", ">")
        .replace(" ,", ",")
}

/// The definition name of a type: unique in the crate, and never a Kubernetes type's.
fn definition_name(krate: &Crate, m: usize, ident: &syn::Ident) -> String {
    let mut path = vec!["crate".to_string()];
    path.extend(krate.modules[m].path.iter().cloned());
    path.push(ident.to_string());
    path.join("::")
}

fn object(value: Value) -> Object {
    match value {
        Value::Object(map) => map,
        _ => unreachable!("a JSON object literal"),
    }
}

fn ranged(format: &str, min: i64, max: i64) -> Value {
    json!({ "type": "integer", "format": format, "minimum": min, "maximum": max })
}

/// schemars' `Schema::ensure_object`: `true` is `{}`, `false` is `{"not": {}}`.
fn ensure_object(schema: &mut Value) -> &mut Object {
    if let Value::Bool(any) = schema {
        *schema = if *any {
            json!({})
        } else {
            json!({ "not": {} })
        };
    }
    match schema {
        Value::Object(map) => map,
        _ => unreachable!("a schema is an object or a boolean"),
    }
}

/// schemars' `ReplaceBoolSchemas { skip_additional_properties: true }` (of the openapi3
/// settings): every boolean schema becomes an object, except an `additionalProperties` and
/// what is below it.
fn replace_bool_schemas(schema: &mut Value) {
    let Value::Object(map) = schema else {
        ensure_object(schema);
        return;
    };
    let additional = map.remove("additionalProperties");
    for (key, value) in map.iter_mut() {
        match (key.as_str(), value) {
            ("properties" | "$defs", Value::Object(children)) => {
                children.values_mut().for_each(replace_bool_schemas);
            }
            ("items" | "not", child) => replace_bool_schemas(child),
            ("anyOf" | "allOf" | "oneOf", Value::Array(branches)) => {
                branches.iter_mut().for_each(replace_bool_schemas);
            }
            _ => {}
        }
    }
    if let Some(additional) = additional {
        map.insert("additionalProperties".into(), additional);
    }
}

/// schemars' `allow_null`: how `Option<T>` says `null` (`true` already allows it).
fn allow_null(schema: &mut Value) {
    let Value::Object(schema) = schema else {
        return;
    };
    let is_null = |v: &Value| match v.get("type") {
        Some(Value::String(t)) => t == "null",
        Some(Value::Array(ts)) => ts.iter().any(|t| t == "null"),
        _ => false,
    };
    if schema.len() == 1
        && schema
            .get("anyOf")
            .and_then(Value::as_array)
            .is_some_and(|branches| branches.iter().any(is_null))
    {
        return;
    }
    if ["if", "allOf", "anyOf", "oneOf", "$ref"]
        .iter()
        .any(|k| schema.contains_key(*k))
    {
        let inner = std::mem::take(schema);
        *schema = object(json!({ "anyOf": [inner, { "type": "null" }] }));
        return;
    }
    match schema.get_mut("type") {
        Some(Value::Array(types)) if !types.contains(&json!("null")) => types.push(json!("null")),
        Some(Value::String(t)) if t != "null" => {
            let t = std::mem::take(t);
            schema.insert("type".into(), json!([t, "null"]));
        }
        _ => {}
    }
    if let Some(Value::Array(values)) = schema.get_mut("enum")
        && !values.contains(&Value::Null)
    {
        values.push(Value::Null);
    }
}

/// `Option<...>` as written (schemars' `_schemars_private_is_option`).
fn is_option(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(p) if p.qself.is_none()
        && p.path.segments.last().is_some_and(|s| s.ident == "Option"))
}

/// schemars' description from `#[doc]`s: lines joined, one leading space each stripped,
/// trimmed. A doc that starts with `#` would be a title as well: refused.
fn describe(schema: &mut Value, attrs: &[syn::Attribute]) -> Result<(), Refusal> {
    let mut lines = Vec::new();
    for attr in attrs.iter().filter(|a| a.path().is_ident("doc")) {
        let syn::Meta::NameValue(nv) = &attr.meta else {
            return Err(Refusal::new("a `#[doc]` that is not `= \"...\"`".into()));
        };
        let syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(text),
            ..
        }) = &nv.value
        else {
            return Err(Refusal::new(
                "a `#[doc]` that is not a string literal".into(),
            ));
        };
        let text = text.value();
        lines.push(text.strip_prefix(' ').map(str::to_string).unwrap_or(text));
    }
    let doc = lines.join("\n");
    let description = doc.trim_matches(|c: char| c.is_ascii_whitespace());
    if description.starts_with('#') {
        return Err(Refusal::new(
            "a doc comment that starts with `#` (a schemars title)".into(),
        ));
    }
    if !description.is_empty() {
        ensure_object(schema).insert("description".into(), Value::String(description.to_string()));
    }
    Ok(())
}

/// The `#[serde(...)]` keys of a field the fast route understands.
struct FieldSerde {
    rename: Option<String>,
    default: bool,
    skip: bool,
}

fn field_serde(f: &syn::Field) -> Result<FieldSerde, Refusal> {
    let mut out = FieldSerde {
        rename: None,
        default: false,
        skip: false,
    };
    for (key, value) in serde_keys(&f.attrs)? {
        match (key.as_str(), value) {
            ("rename", Some(name)) => out.rename = Some(name),
            ("default", _) => out.default = true,
            ("skip", None) => out.skip = true,
            ("skip_serializing_if", Some(_)) => {}
            (key, _) => {
                return Err(Refusal::new(format!(
                    "a field has `#[serde({key})]`, which the fast route does not read"
                )));
            }
        }
    }
    Ok(out)
}

/// Every top-level key of the `#[serde(...)]` attributes, with its string value; a key with
/// a value that is not a string literal, or with a list, is refused.
fn serde_keys(attrs: &[syn::Attribute]) -> Result<Vec<(String, Option<String>)>, Refusal> {
    let entries = serde_names::entries(attrs)
        .map_err(|e| Refusal::new(format!("a `#[serde(...)]` does not parse: {e}")))?;
    entries
        .into_iter()
        .map(|(key, value)| match value {
            SerdeValue::Flag => Ok((key, None)),
            SerdeValue::Str(s) => Ok((key, Some(s))),
            SerdeValue::NotStr | SerdeValue::List { .. } => Err(Refusal::new(format!(
                "`#[serde({key} ...)]` with a value that is not a string, which the fast route does not read"
            ))),
        })
        .collect()
}

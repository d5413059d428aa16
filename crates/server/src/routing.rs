//! Registers each route once, with the facts the OpenAPI document is built from,
//! so the document and the router cannot drift apart.

use std::collections::BTreeMap;

use axum::{Extension, Router, routing::MethodRouter};
use cartwright_app::App;
use cartwright_core::user::{Access, Resource};
use utoipa::{
    ToSchema,
    openapi::{RefOr, Schema, schema::ObjectBuilder},
};

/// Schemas collected while routes are registered: `(name, schema)`.
pub(crate) type Schemas = Vec<(String, RefOr<Schema>)>;

/// Registers `T` (and what it refers to) and returns a `$ref` to it.
pub(crate) fn schema_ref<T: ToSchema>(schemas: &mut Schemas) -> RefOr<Schema> {
    let name = T::name().to_string();
    schemas.push((name.clone(), T::schema()));
    T::schemas(schemas);
    RefOr::Ref(utoipa::openapi::Ref::from_schema_name(name))
}

/// Registers `T` and returns an inline array-of-`T` schema.
pub(crate) fn array_ref<T: ToSchema>(schemas: &mut Schemas) -> RefOr<Schema> {
    let item = schema_ref::<T>(schemas);
    RefOr::T(Schema::Array(
        utoipa::openapi::schema::ArrayBuilder::new()
            .items(item)
            .build(),
    ))
}

/// An inline object schema: `items` (array of `T`) and a nullable string cursor named `cursor`.
fn paged<T: ToSchema>(schemas: &mut Schemas, cursor: &str) -> RefOr<Schema> {
    let item = schema_ref::<T>(schemas);
    RefOr::T(Schema::Object(
        ObjectBuilder::new()
            .property(
                "items",
                utoipa::openapi::schema::ArrayBuilder::new().items(item),
            )
            .required("items")
            .property(
                cursor,
                ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::SchemaType::from_iter([
                        utoipa::openapi::schema::Type::String,
                        utoipa::openapi::schema::Type::Null,
                    ]))
                    .description(Some(
                        "Pass as `cursor` for the next page; null on the last page.",
                    )),
            )
            .build(),
    ))
}

/// Registers `T` and returns an inline page-of-`T` schema.
pub(crate) fn page_ref<T: ToSchema>(schemas: &mut Schemas) -> RefOr<Schema> {
    paged::<T>(schemas, "next_cursor")
}

/// Registers `T` and returns an inline schema of a page read from a cart (`items`, `next`).
pub(crate) fn remote_page_ref<T: ToSchema>(schemas: &mut Schemas) -> RefOr<Schema> {
    paged::<T>(schemas, "next")
}

/// Builds a schema reference (or inline schema) while registering what it needs.
pub(crate) type SchemaFn = fn(&mut Schemas) -> RefOr<Schema>;

/// What the document says about one operation.
#[derive(Clone, Copy)]
pub(crate) struct Doc {
    /// One-line summary.
    pub summary: &'static str,
    /// Tag (section) in the document.
    pub tag: &'static str,
    /// JSON request body schema, if any.
    pub body: Option<SchemaFn>,
    /// Raw request body content type (CSV uploads), if any.
    pub raw_body: Option<&'static str>,
    /// Success status and its JSON schema (None: no JSON body).
    pub ok: (u16, Option<SchemaFn>),
    /// Raw success content type (CSV downloads), if any.
    pub raw_ok: Option<&'static str>,
    /// Query parameters: `(name, description)`.
    pub query: &'static [(&'static str, &'static str)],
    /// The role check of this route: `None` for public routes (login, health).
    pub guard: Option<Guard>,
}

/// What a route needs of the caller's role; checked before the body is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Guard {
    /// The part of the system touched.
    pub resource: Resource,
    /// Reading or writing it.
    pub access: Access,
}

/// One routed operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteInfo {
    /// Lower-case HTTP method.
    pub method: &'static str,
    /// Path with `{param}` segments.
    pub path: &'static str,
    /// The role check, if the route needs a token.
    pub guard: Option<Guard>,
    /// Whether the route reads a request body (JSON or CSV).
    pub takes_body: bool,
}

/// The route table under construction.
#[derive(Default)]
pub(crate) struct Routes {
    methods: BTreeMap<&'static str, MethodRouter<App>>,
    pub(crate) ops: Vec<(RouteInfo, Doc)>,
}

impl Routes {
    /// Adds one operation: the method router for `method` on `path` and its document entry.
    pub(crate) fn add(
        mut self,
        method: &'static str,
        path: &'static str,
        handler: MethodRouter<App>,
        doc: Doc,
    ) -> Self {
        let handler = match doc.guard {
            Some(g) => handler.layer(Extension(g)),
            None => handler,
        };
        let merged = match self.methods.remove(path) {
            Some(existing) => existing.merge(handler),
            None => handler,
        };
        self.methods.insert(path, merged);
        self.ops.push((
            RouteInfo {
                method,
                path,
                guard: doc.guard,
                takes_body: doc.body.is_some() || doc.raw_body.is_some(),
            },
            doc,
        ));
        self
    }

    /// The axum router and the list of routed operations.
    pub(crate) fn into_router(self) -> (Router<App>, Vec<(RouteInfo, Doc)>) {
        let mut router = Router::new();
        for (path, mr) in self.methods {
            router = router.route(path, mr);
        }
        (router, self.ops)
    }
}

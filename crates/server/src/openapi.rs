//! The OpenAPI 3.1 document, built from the route table.

use utoipa::openapi::{
    ComponentsBuilder, HttpMethod, InfoBuilder, OpenApi, OpenApiBuilder, PathItem, PathsBuilder,
    Required,
    content::ContentBuilder,
    path::{OperationBuilder, ParameterBuilder, ParameterIn},
    request_body::RequestBodyBuilder,
    response::ResponseBuilder,
    schema::{ObjectBuilder, Type},
    security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme},
};

use crate::routing::{Doc, RouteInfo, Schemas};

fn method(m: &str) -> HttpMethod {
    match m {
        "post" => HttpMethod::Post,
        "put" => HttpMethod::Put,
        "delete" => HttpMethod::Delete,
        "patch" => HttpMethod::Patch,
        _ => HttpMethod::Get,
    }
}

fn error_schema() -> ObjectBuilder {
    ObjectBuilder::new().property(
        "error",
        ObjectBuilder::new()
            .property("code", ObjectBuilder::new().schema_type(Type::String))
            .property("message", ObjectBuilder::new().schema_type(Type::String))
            .property("field", ObjectBuilder::new().schema_type(Type::String))
            .required("code")
            .required("message"),
    )
}

/// Builds the document for `ops`.
pub(crate) fn document(ops: &[(RouteInfo, Doc)]) -> OpenApi {
    let mut schemas: Schemas = Vec::new();
    let mut paths = PathsBuilder::new();
    for (route, doc) in ops {
        let mut op = OperationBuilder::new()
            .summary(Some(doc.summary))
            .tag(doc.tag)
            .operation_id(Some(format!(
                "{}_{}",
                route.method,
                route
                    .path
                    .trim_start_matches("/api/")
                    .replace(['/', '-', '{', '}'], "_")
            )));
        for segment in route.path.split('/') {
            if let Some(name) = segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                op = op.parameter(
                    ParameterBuilder::new()
                        .name(name)
                        .parameter_in(ParameterIn::Path)
                        .required(Required::True)
                        .schema(Some(ObjectBuilder::new().schema_type(Type::String))),
                );
            }
        }
        for (name, description) in doc.query {
            op = op.parameter(
                ParameterBuilder::new()
                    .name(*name)
                    .parameter_in(ParameterIn::Query)
                    .required(Required::False)
                    .description(Some(*description))
                    .schema(Some(ObjectBuilder::new().schema_type(Type::String))),
            );
        }
        if let Some(body) = doc.body {
            let schema = body(&mut schemas);
            op = op.request_body(Some(
                RequestBodyBuilder::new()
                    .required(Some(Required::True))
                    .content(
                        "application/json",
                        ContentBuilder::new().schema(Some(schema)).build(),
                    )
                    .build(),
            ));
        }
        if let Some(ct) = doc.raw_body {
            op = op.request_body(Some(
                RequestBodyBuilder::new()
                    .required(Some(Required::True))
                    .content(
                        ct,
                        ContentBuilder::new()
                            .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
                            .build(),
                    )
                    .build(),
            ));
        }
        let (status, ok) = doc.ok;
        let mut response = ResponseBuilder::new().description("success");
        if let Some(ok) = ok {
            response = response.content(
                "application/json",
                ContentBuilder::new().schema(Some(ok(&mut schemas))).build(),
            );
        }
        if let Some(ct) = doc.raw_ok {
            response = response.content(
                ct,
                ContentBuilder::new()
                    .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
                    .build(),
            );
        }
        op = op.response(status.to_string(), response.build());
        let err = ContentBuilder::new()
            .schema(Some(utoipa::openapi::Ref::from_schema_name("Error")))
            .build();
        op = op.response(
            "4XX",
            ResponseBuilder::new()
                .description("refused; the body names the field at fault")
                .content("application/json", err)
                .build(),
        );
        if let Some(g) = doc.guard {
            op = op
                .security(SecurityRequirement::new("bearer", Vec::<String>::new()))
                .description(Some(format!(
                    "Needs a bearer token whose role may {} {:?}.",
                    if g.access == cartwright_core::user::Access::Read {
                        "read"
                    } else {
                        "change"
                    },
                    g.resource
                )));
        }
        paths = paths.path(route.path, PathItem::new(method(route.method), op.build()));
    }
    let components = ComponentsBuilder::new()
        .schemas_from_iter(schemas)
        .schema("Error", error_schema())
        .security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        )
        .build();
    OpenApiBuilder::new()
        .info(
            InfoBuilder::new()
                .title("Cartwright API")
                .version(env!("CARGO_PKG_VERSION"))
                .description(Some(
                    "Inventory, orders and multi-currency accounting. Money is a decimal string; \
                     every update carries the version it read; errors are {\"error\":{\"code\",\"message\",\"field\"}}.",
                ))
                .build(),
        )
        .paths(paths.build())
        .components(Some(components))
        .build()
}

//! The ExtensionManager: resources and server actions a host adds to the Compute API,
//! each described the way Nova listed its extensions at `/extensions`.

use std::sync::Arc;

use async_trait::async_trait;
use http::{Method, StatusCode};
use serde_json::{Value, json};

use super::fault::Fault;
use super::request::{ApiRequest, ApiResponse, Availability, Handler, Route, ServerAction};
use super::xml::XmlElement;

/// How an extension describes itself at `/extensions`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExtensionDescriptor {
    /// A human name (`Widgets`).
    pub name: String,
    /// The short name clients look it up by (`os-widgets`).
    pub alias: String,
    /// The extension's XML namespace.
    pub namespace: String,
    /// What it does.
    pub description: String,
    /// When it last changed (`2011-08-08T00:00:00Z`).
    pub updated: String,
}

/// An extension: its descriptor, and the routes and server actions it adds.
#[derive(Clone, Debug)]
pub struct Extension {
    /// How it is listed.
    pub descriptor: ExtensionDescriptor,
    /// The routes it adds, under the endpoint and project as the built-in ones.
    pub routes: Vec<Route>,
    /// The server actions it adds to `POST /servers/{server_id}/action`.
    pub actions: Vec<ServerAction>,
}

impl Extension {
    /// An extension with nothing in it yet.
    pub fn new(descriptor: ExtensionDescriptor) -> Self {
        Extension {
            descriptor,
            routes: Vec::new(),
            actions: Vec::new(),
        }
    }

    /// Adds a route.
    pub fn route(mut self, route: Route) -> Self {
        self.routes.push(route);
        self
    }

    /// Adds a server action.
    pub fn action(mut self, action: ServerAction) -> Self {
        self.actions.push(action);
        self
    }
}

/// The `/extensions` routes over the descriptors.
pub(crate) fn routes(descriptors: Vec<ExtensionDescriptor>) -> Vec<Route> {
    let catalog = Arc::new(descriptors);
    vec![
        Route {
            method: Method::GET,
            template: "/extensions",
            availability: Availability::SINCE_V1_1,
            handler: Arc::new(Index(Arc::clone(&catalog))),
        },
        Route {
            method: Method::GET,
            template: "/extensions/{alias}",
            availability: Availability::SINCE_V1_1,
            handler: Arc::new(Show(catalog)),
        },
    ]
}

fn json_view(descriptor: &ExtensionDescriptor) -> Value {
    json!({
        "name": descriptor.name,
        "alias": descriptor.alias,
        "namespace": descriptor.namespace,
        "description": descriptor.description,
        "updated": descriptor.updated,
        "links": [],
    })
}

fn xml_view(descriptor: &ExtensionDescriptor) -> XmlElement {
    XmlElement::new("extension")
        .attr("name", &descriptor.name)
        .attr("namespace", &descriptor.namespace)
        .attr("alias", &descriptor.alias)
        .attr("updated", &descriptor.updated)
        .text_child("description", &descriptor.description)
}

struct Index(Arc<Vec<ExtensionDescriptor>>);

#[async_trait]
impl Handler for Index {
    async fn handle(&self, request: ApiRequest) -> Result<ApiResponse, Fault> {
        Ok(ApiResponse::document(
            &request,
            StatusCode::OK,
            || json!({"extensions": self.0.iter().map(json_view).collect::<Vec<_>>()}),
            || XmlElement::new("extensions").children(self.0.iter().map(xml_view)),
        ))
    }
}

struct Show(Arc<Vec<ExtensionDescriptor>>);

#[async_trait]
impl Handler for Show {
    async fn handle(&self, request: ApiRequest) -> Result<ApiResponse, Fault> {
        let alias = request.param("alias")?;
        let descriptor = self
            .0
            .iter()
            .find(|descriptor| descriptor.alias == alias)
            .ok_or_else(|| Fault::not_found("The resource could not be found."))?;
        Ok(ApiResponse::document(
            &request,
            StatusCode::OK,
            || json!({"extension": json_view(descriptor)}),
            || xml_view(descriptor),
        ))
    }
}

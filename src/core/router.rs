//! Dispatch by path template and method (matchit), with the path's parameters kept for
//! the handler.

use std::collections::HashMap;
use std::sync::Arc;

use async_trait::async_trait;
use http::Method;

use super::{Application, BoxError, Request, Response};

/// Request extension holding the parameters the matched route captured, in order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PathParams(pub Vec<(String, String)>);

impl PathParams {
    /// The value captured for `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }
}

/// Why a router found no handler. The protocol's fault wrapper renders it (404, 405).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RouteError {
    /// No route matches the path.
    NotFound,
    /// A route matches the path, but not with this method.
    MethodNotAllowed {
        /// The methods the route answers.
        allowed: Vec<Method>,
    },
}

impl std::fmt::Display for RouteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RouteError::NotFound => f.write_str("The resource could not be found."),
            RouteError::MethodNotAllowed { .. } => {
                f.write_str("The method is not allowed for this resource.")
            }
        }
    }
}

impl std::error::Error for RouteError {}

type MethodTable = HashMap<Method, Arc<dyn Application>>;

/// A path router: templates such as `/servers/{server_id}/action`, each with a table of
/// methods. The matched parameters go into the request as [`PathParams`].
#[derive(Default)]
pub struct Router {
    routes: matchit::Router<usize>,
    tables: Vec<MethodTable>,
    templates: HashMap<String, usize>,
}

impl std::fmt::Debug for Router {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut templates: Vec<&String> = self.templates.keys().collect();
        templates.sort();
        f.debug_struct("Router")
            .field("routes", &templates)
            .finish()
    }
}

impl Router {
    /// An empty router.
    pub fn new() -> Self {
        Router::default()
    }

    /// Routes `method` on `template` to `app`.
    ///
    /// # Panics
    ///
    /// When `template` is not a valid matchit template or conflicts with one already
    /// added: routes are fixed when a server is built, so this is a programming error.
    pub fn route(mut self, template: &str, method: Method, app: Arc<dyn Application>) -> Self {
        let index = match self.templates.get(template) {
            Some(index) => *index,
            None => {
                let index = self.tables.len();
                self.routes
                    .insert(template, index)
                    .unwrap_or_else(|error| panic!("route {template}: {error}"));
                self.tables.push(HashMap::new());
                self.templates.insert(template.to_owned(), index);
                index
            }
        };
        self.tables[index].insert(method, app);
        self
    }

    /// Finds the application for a method and path, with the captured parameters.
    pub fn resolve(
        &self,
        method: &Method,
        path: &str,
    ) -> Result<(Arc<dyn Application>, PathParams), RouteError> {
        let matched = self.routes.at(path).map_err(|_| RouteError::NotFound)?;
        let table = &self.tables[*matched.value];
        let app = table
            .get(method)
            .or_else(|| {
                (method == Method::HEAD)
                    .then(|| table.get(&Method::GET))
                    .flatten()
            })
            .ok_or_else(|| {
                let mut allowed: Vec<Method> = table.keys().cloned().collect();
                allowed.sort_by(|a, b| a.as_str().cmp(b.as_str()));
                RouteError::MethodNotAllowed { allowed }
            })?;
        let params = matched
            .params
            .iter()
            .map(|(name, value)| (name.to_owned(), value.to_owned()))
            .collect();
        Ok((app.clone(), PathParams(params)))
    }
}

#[async_trait]
impl Application for Router {
    async fn call(&self, mut request: Request) -> Result<Response, BoxError> {
        let (app, params) = self.resolve(request.method(), request.uri().path())?;
        request.extensions_mut().insert(params);
        app.call(request).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::{Body, from_fn};

    fn echo(tag: &'static str) -> Arc<dyn Application> {
        Arc::new(from_fn(move |request: Request| async move {
            let params = request
                .extensions()
                .get::<PathParams>()
                .cloned()
                .unwrap_or_default();
            let id = params.get("server_id").unwrap_or("-").to_owned();
            Ok(Response::new(format!("{tag}:{id}").into()))
        }))
    }

    fn request(method: Method, path: &str) -> Request {
        http::Request::builder()
            .method(method)
            .uri(path)
            .body(Body::empty())
            .unwrap()
    }

    #[tokio::test]
    async fn routes_by_template_and_method() {
        let router = Router::new()
            .route("/servers", Method::GET, echo("list"))
            .route("/servers/{server_id}", Method::GET, echo("show"))
            .route("/servers/{server_id}", Method::DELETE, echo("delete"));
        let shown = router
            .call(request(Method::GET, "/servers/abc"))
            .await
            .unwrap();
        assert_eq!(shown.body().as_bytes(), b"show:abc");
        let deleted = router
            .call(request(Method::DELETE, "/servers/x.y"))
            .await
            .unwrap();
        assert_eq!(deleted.body().as_bytes(), b"delete:x.y");
    }

    #[tokio::test]
    async fn unknown_path_and_wrong_method_are_typed_errors() {
        let router = Router::new()
            .route("/servers/{server_id}", Method::GET, echo("show"))
            .route("/servers/{server_id}", Method::PUT, echo("update"));
        let missing = router
            .call(request(Method::GET, "/flavors"))
            .await
            .unwrap_err();
        assert_eq!(
            missing.downcast_ref::<RouteError>(),
            Some(&RouteError::NotFound)
        );
        let wrong = router
            .call(request(Method::POST, "/servers/1"))
            .await
            .unwrap_err();
        assert_eq!(
            wrong.downcast_ref::<RouteError>(),
            Some(&RouteError::MethodNotAllowed {
                allowed: vec![Method::GET, Method::PUT]
            })
        );
    }
}

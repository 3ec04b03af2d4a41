//! Executor: runs the action on the [`CloudController`] and writes its answer as EC2 XML.
//!
//! The response is `<{Action}Response xmlns="http://ec2.amazonaws.com/doc/{Version}/">`
//! with `<requestId>` first, the version taken from the request. `DryRun=true` answers
//! `DryRunOperation` (HTTP 412) once the input has been read and the Authorizer has let
//! the action through, without calling the controller.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use async_trait::async_trait;
use http::header::{CONTENT_TYPE, HeaderValue};

use super::controller::{Action, CloudController, dispatch};
use super::error::{Ec2Error, ErrorCode};
use super::requestify::Ec2Request;
use super::xml::XmlWriter;
use crate::core::{Application, Body, BoxError, Context, Request, RequestId, Response};

/// The Executor: the application at the end of the EC2 chain.
pub struct Executor {
    controller: Arc<dyn CloudController>,
    // The size of each action's last response, so the next one is written into a buffer
    // that needs no regrowing (a DescribeInstances answer can be hundreds of kilobytes).
    size_hints: Box<[AtomicUsize]>,
}

impl std::fmt::Debug for Executor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Executor").finish_non_exhaustive()
    }
}

impl Executor {
    /// An executor over `controller`.
    pub fn new(controller: Arc<dyn CloudController>) -> Self {
        let size_hints = Action::ALL.iter().map(|_| AtomicUsize::new(1024)).collect();
        Executor {
            controller,
            size_hints,
        }
    }

    /// Runs one parsed request for `context` and returns the response XML.
    pub async fn execute(
        &self,
        request: &Ec2Request,
        context: Context,
        request_id: &str,
    ) -> Result<String, Ec2Error> {
        let dry_run = request.args.boolean("DryRun")?.unwrap_or(false);
        let action = request.action.as_str();

        let size_hint = &self.size_hints[request.action as usize];
        let mut writer = XmlWriter::with_capacity(size_hint.load(Ordering::Relaxed));
        writer.raw("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<");
        writer.raw(action);
        writer.raw("Response xmlns=\"http://ec2.amazonaws.com/doc/");
        writer.text(&request.version);
        writer.raw("/\">");
        writer.field("requestId", request_id);

        dispatch(
            &*self.controller,
            request.action,
            &request.args,
            context,
            dry_run,
            &mut writer,
        )
        .await?;

        writer.raw("</");
        writer.raw(action);
        writer.raw("Response>");
        let xml = writer.into_string();
        size_hint.store((xml.len() + xml.len() / 8).min(8 << 20), Ordering::Relaxed);
        Ok(xml)
    }
}

#[async_trait]
impl Application for Executor {
    async fn call(&self, mut request: Request) -> Result<Response, BoxError> {
        let missing = || Ec2Error::new(ErrorCode::InternalError, "The EC2 chain is misassembled.");
        let extensions = request.extensions_mut();
        let ec2_request = extensions.remove::<Arc<Ec2Request>>().ok_or_else(missing)?;
        let mut context = extensions.remove::<Context>().ok_or_else(missing)?;
        context.request_id = extensions
            .remove::<RequestId>()
            .unwrap_or_else(RequestId::generate);
        let request_id = context.request_id.clone();

        let xml = self
            .execute(&ec2_request, context, request_id.uuid())
            .await?;

        let mut response = Response::new(Body::from(xml));
        // Room for the fault wrapper's request id header too, in one allocation.
        let headers = response.headers_mut();
        headers.reserve(4);
        headers.insert(
            CONTENT_TYPE,
            HeaderValue::from_static("text/xml;charset=UTF-8"),
        );
        Ok(response)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ec2::args::Args;
    use crate::ec2::controller::{Action, Ec2Call};
    use crate::ec2::model::{DescribeRegionsInput, DescribeRegionsOutput};

    /// A controller that implements nothing.
    struct Nothing;
    impl CloudController for Nothing {}

    /// A controller that implements one action.
    struct Regions;

    #[async_trait]
    impl CloudController for Regions {
        async fn describe_regions(
            &self,
            call: Ec2Call<DescribeRegionsInput>,
        ) -> Result<DescribeRegionsOutput, Ec2Error> {
            assert_eq!(call.project_id(), "p1");
            Ok(DescribeRegionsOutput::default())
        }
    }

    fn request(action: Action, pairs: &[(&str, &str)]) -> Ec2Request {
        Ec2Request {
            action,
            version: "2016-11-15".into(),
            args: Args::from_pairs(pairs.iter().copied()),
        }
    }

    fn context() -> Context {
        Context {
            project_id: "p1".into(),
            ..Context::default()
        }
    }

    #[tokio::test]
    async fn every_unimplemented_action_is_unsupported_operation() {
        for action in Action::ALL {
            let error =
                crate::ec2::controller::call_with_default_input(&Nothing, *action, context())
                    .await
                    .unwrap_err();
            assert_eq!(error.code(), ErrorCode::UnsupportedOperation, "{action:?}");
            assert_eq!(
                error.message(),
                format!(
                    "The action {} is not supported by this cloud.",
                    action.as_str()
                )
            );
        }
        // Through the executor too, for an action whose input needs no argument.
        let executor = Executor::new(Arc::new(Nothing));
        let error = executor
            .execute(&request(Action::DescribeInstances, &[]), context(), "r")
            .await
            .unwrap_err();
        assert_eq!(error.code(), ErrorCode::UnsupportedOperation);
    }

    #[tokio::test]
    async fn response_is_namespaced_by_the_request_version_with_request_id_first() {
        let executor = Executor::new(Arc::new(Regions));
        let mut ec2_request = request(Action::DescribeRegions, &[]);
        ec2_request.version = "2014-10-01".into();
        let xml = executor
            .execute(&ec2_request, context(), "abc-123")
            .await
            .unwrap();
        assert!(
            xml.starts_with(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<DescribeRegionsResponse \
                 xmlns=\"http://ec2.amazonaws.com/doc/2014-10-01/\"><requestId>abc-123</requestId>"
            ),
            "{xml}"
        );
        assert!(xml.ends_with("</DescribeRegionsResponse>"), "{xml}");
    }

    #[tokio::test]
    async fn dry_run_answers_412_without_running() {
        let executor = Executor::new(Arc::new(Nothing));
        let error = executor
            .execute(
                &request(Action::DescribeRegions, &[("DryRun", "true")]),
                context(),
                "r",
            )
            .await
            .unwrap_err();
        assert_eq!(error.code(), ErrorCode::DryRunOperation);
        assert_eq!(error.status(), 412);
    }
}

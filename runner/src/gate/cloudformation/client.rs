//! The CloudFormation client: the AWS SDK for Rust, with the standard credential chain
//! (environment, profiles, SSO, `credential_process`, web identity, container and
//! instance roles) over rustls, bounded in time. Every call the gate makes goes through
//! [`Stacks`]; no `aws` CLI is involved.

use std::collections::BTreeMap;
use std::time::Duration;

use aws_config::BehaviorVersion;
use aws_config::meta::region::RegionProviderChain;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_sdk_cloudformation::Client;
use aws_sdk_cloudformation::config::{Credentials, Region};
use aws_sdk_cloudformation::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_cloudformation::types::{StackStatus, TemplateStage};

/// The region used when neither the options, the configuration nor the environment
/// name one (the SAM CLI's default too).
pub const DEFAULT_REGION: &str = "us-east-1";

/// Pages of events read at most per call: a stack with a long history is not read to
/// its beginning, only back to the deploy being watched.
const MAX_EVENT_PAGES: usize = 20;

/// `DescribeStackResources` lists this many resources at most.
const DESCRIBE_RESOURCES_LIMIT: usize = 100;

/// Why a CloudFormation call failed.
#[derive(Debug, thiserror::Error)]
pub enum StackError {
    /// The stack does not exist.
    #[error("stack {0} does not exist")]
    NoStack(String),
    /// CloudFormation, the endpoint or the credential chain refused or failed.
    #[error("{operation} failed: {message}")]
    Call {
        /// The API operation (`DescribeStacks`, ...).
        operation: &'static str,
        /// The error code CloudFormation returned, when it returned one.
        code: Option<String>,
        /// The whole chain of causes, in words.
        message: String,
        /// The SDK's error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The response lacked something every response has.
    #[error("{operation} returned no {what}")]
    Incomplete {
        /// The API operation.
        operation: &'static str,
        /// What was missing.
        what: &'static str,
    },
}

impl StackError {
    /// A missing stack as `Ok(None)`, any other error as itself.
    fn absent<T>(self) -> Result<Option<T>, StackError> {
        match self {
            StackError::NoStack(_) => Ok(None),
            other => Err(other),
        }
    }

    /// Whether CloudFormation asked us to slow down.
    pub fn is_throttling(&self) -> bool {
        matches!(self, StackError::Call { code: Some(code), .. }
            if code == "Throttling" || code == "ThrottlingException" || code == "RequestLimitExceeded")
    }

    fn call<E, R>(operation: &'static str, stack: &str, err: SdkError<E, R>) -> StackError
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
        R: std::fmt::Debug + Send + Sync + 'static,
    {
        let code = err.code().map(str::to_string);
        if code.as_deref() == Some("ValidationError")
            && err.message().is_some_and(|m| m.contains("does not exist"))
        {
            return StackError::NoStack(stack.to_string());
        }
        StackError::Call {
            operation,
            code,
            message: DisplayErrorContext(&err).to_string(),
            source: Box::new(err),
        }
    }
}

/// Where the client connects and as whom: the values preflight's configuration adds
/// to the environment. The SDK reads the process environment itself; these fill in
/// what it does not set.
#[derive(Debug, Clone, Default)]
pub struct ClientSettings {
    /// `--region`, `[deploy] region`, `[sam] region` or samconfig.toml's.
    pub region: Option<String>,
    /// `[deploy.env]`, less what the process environment already sets.
    pub env: Vec<(String, String)>,
}

impl ClientSettings {
    fn var(&self, name: &str) -> Option<String> {
        self.env
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .or_else(|| std::env::var(name).ok())
            .filter(|v| !v.trim().is_empty())
    }

    /// The region the client uses: the configured one, else `AWS_REGION` or
    /// `AWS_DEFAULT_REGION` (from the environment or `[deploy.env]`), else the
    /// profile's, else [`DEFAULT_REGION`].
    fn region_chain(&self) -> RegionProviderChain {
        let explicit = self
            .region
            .clone()
            .or_else(|| self.var("AWS_REGION"))
            .or_else(|| self.var("AWS_DEFAULT_REGION"))
            .map(Region::new);
        let profile = aws_config::profile::ProfileFileRegionProvider::builder()
            .profile_name(self.var("AWS_PROFILE").unwrap_or_else(|| "default".into()))
            .build();
        RegionProviderChain::first_try(explicit)
            .or_else(profile)
            .or_else(Region::new(DEFAULT_REGION))
    }
}

/// A stack as `DescribeStacks` describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct StackDescription {
    /// The stack's id (its ARN).
    pub id: Option<String>,
    /// Its status.
    pub status: StackStatus,
    /// CloudFormation's reason for the status.
    pub reason: Option<String>,
    /// Its outputs (key → value).
    pub outputs: BTreeMap<String, String>,
}

/// A resource of a stack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StackResource {
    /// Logical id.
    pub logical_id: String,
    /// Type.
    pub resource_type: String,
    /// Physical id.
    pub physical_id: Option<String>,
    /// Status.
    pub status: String,
    /// Last updated.
    pub timestamp: Option<jiff::Timestamp>,
}

impl StackResource {
    /// From the fields `DescribeStackResources` and `ListStackResources` both return.
    fn new(
        logical_id: Option<&str>,
        resource_type: Option<&str>,
        physical_id: Option<&str>,
        status: Option<&aws_sdk_cloudformation::types::ResourceStatus>,
        timestamp: Option<&aws_sdk_cloudformation::primitives::DateTime>,
    ) -> StackResource {
        StackResource {
            logical_id: logical_id.unwrap_or_default().to_string(),
            resource_type: resource_type.unwrap_or_default().to_string(),
            physical_id: physical_id.map(str::to_string),
            status: status.map(|s| s.as_str().to_string()).unwrap_or_default(),
            timestamp: timestamp.and_then(self::timestamp),
        }
    }
}

/// A stack event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StackEvent {
    /// The event's id (unique in the stack).
    pub id: String,
    /// When.
    pub timestamp: Option<jiff::Timestamp>,
    /// Logical id; empty for the stack's own events.
    pub logical_id: String,
    /// Physical id (for a nested stack, its stack id).
    pub physical_id: Option<String>,
    /// Type.
    pub resource_type: String,
    /// Status.
    pub status: String,
    /// Reason.
    pub reason: Option<String>,
}

/// The CloudFormation API, for the stack queries of the gate.
#[derive(Debug, Clone)]
pub struct Stacks {
    client: Client,
    region: String,
}

impl Stacks {
    /// Resolves region, endpoint and credentials. Credentials are resolved lazily, on
    /// the first call: their absence is that call's error.
    pub async fn connect(settings: &ClientSettings) -> Stacks {
        let http = aws_smithy_http_client::Builder::new()
            .tls_provider(aws_smithy_http_client::tls::Provider::Rustls(
                aws_smithy_http_client::tls::rustls_provider::CryptoMode::Ring,
            ))
            .build_https();
        let region_chain = settings.region_chain();
        let region = region_chain
            .region()
            .await
            .map(|r| r.to_string())
            .unwrap_or_else(|| DEFAULT_REGION.to_string());
        // A stack query is cheap to repeat later: a few attempts, bounded, instead of a
        // long backoff against an endpoint that is not up.
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .http_client(http)
            .region(Region::new(region.clone()))
            .retry_config(RetryConfig::standard().with_max_attempts(3))
            .timeout_config(
                TimeoutConfig::builder()
                    .connect_timeout(Duration::from_secs(5))
                    .operation_attempt_timeout(Duration::from_secs(20))
                    .operation_timeout(Duration::from_secs(60))
                    .build(),
            );
        // `[deploy.env]` credentials, profile and endpoint: the SDK reads the real
        // environment, so only what the configuration adds is passed on by hand.
        let overlay = |name: &str| {
            settings
                .env
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
                .filter(|v| !v.trim().is_empty())
        };
        if let (Some(id), Some(secret)) = (
            overlay("AWS_ACCESS_KEY_ID"),
            overlay("AWS_SECRET_ACCESS_KEY"),
        ) {
            loader = loader.credentials_provider(Credentials::new(
                id,
                secret,
                overlay("AWS_SESSION_TOKEN"),
                None,
                "preflight.toml [deploy.env]",
            ));
        }
        if let Some(profile) = overlay("AWS_PROFILE") {
            loader = loader.profile_name(profile);
        }
        let sdk = loader.load().await;
        let mut config = aws_sdk_cloudformation::config::Builder::from(&sdk);
        if let Some(url) = overlay("AWS_ENDPOINT_URL_CLOUDFORMATION")
            .or_else(|| {
                std::env::var("AWS_ENDPOINT_URL_CLOUDFORMATION")
                    .ok()
                    .filter(|v| !v.is_empty())
            })
            .or_else(|| overlay("AWS_ENDPOINT_URL"))
        {
            config = config.endpoint_url(url);
        }
        Stacks {
            client: Client::from_conf(config.build()),
            region,
        }
    }

    /// The region the client talks to.
    pub fn region(&self) -> &str {
        &self.region
    }

    /// `DescribeStacks`; `None` when the stack does not exist.
    pub async fn describe(&self, stack: &str) -> Result<Option<StackDescription>, StackError> {
        const OP: &str = "DescribeStacks";
        let out = match self.client.describe_stacks().stack_name(stack).send().await {
            Ok(out) => out,
            Err(e) => {
                return StackError::call(OP, stack, e).absent();
            }
        };
        let Some(s) = out.stacks().first() else {
            return Ok(None);
        };
        let status = s.stack_status().cloned().ok_or(StackError::Incomplete {
            operation: OP,
            what: "StackStatus",
        })?;
        Ok(Some(StackDescription {
            id: s.stack_id().map(str::to_string),
            status,
            reason: s.stack_status_reason().map(str::to_string),
            outputs: s
                .outputs()
                .iter()
                .filter_map(|o| {
                    Some((
                        o.output_key()?.to_string(),
                        o.output_value().unwrap_or_default().to_string(),
                    ))
                })
                .collect(),
        }))
    }

    /// The stack's resources: `DescribeStackResources`, which answers with at most 100,
    /// else `ListStackResources`, every page; `None` when the stack does not exist.
    pub async fn resources(&self, stack: &str) -> Result<Option<Vec<StackResource>>, StackError> {
        const OP: &str = "DescribeStackResources";
        let out = match self
            .client
            .describe_stack_resources()
            .stack_name(stack)
            .send()
            .await
        {
            Ok(out) => out,
            Err(e) => {
                return StackError::call(OP, stack, e).absent();
            }
        };
        if out.stack_resources().len() < DESCRIBE_RESOURCES_LIMIT {
            return Ok(Some(
                out.stack_resources()
                    .iter()
                    .map(|r| {
                        StackResource::new(
                            r.logical_resource_id(),
                            r.resource_type(),
                            r.physical_resource_id(),
                            r.resource_status(),
                            r.timestamp(),
                        )
                    })
                    .collect(),
            ));
        }
        self.list_resources(stack).await
    }

    /// `ListStackResources`, every page.
    async fn list_resources(&self, stack: &str) -> Result<Option<Vec<StackResource>>, StackError> {
        const OP: &str = "ListStackResources";
        let mut pages = self
            .client
            .list_stack_resources()
            .stack_name(stack)
            .into_paginator()
            .send();
        let mut resources = Vec::new();
        while let Some(page) = pages.next().await {
            let page = match page {
                Ok(page) => page,
                Err(e) => {
                    return StackError::call(OP, stack, e).absent();
                }
            };
            resources.extend(page.stack_resource_summaries().iter().map(|r| {
                StackResource::new(
                    r.logical_resource_id(),
                    r.resource_type(),
                    r.physical_resource_id(),
                    r.resource_status(),
                    r.last_updated_timestamp(),
                )
            }));
        }
        Ok(Some(resources))
    }

    /// `DescribeStackEvents`, newest first, back to `since` (older pages are not read).
    /// The stack's own events have an empty logical id (`stack` may be a name or, for a
    /// nested stack, its id).
    pub async fn events(
        &self,
        stack: &str,
        since: Option<jiff::Timestamp>,
    ) -> Result<Vec<StackEvent>, StackError> {
        self.events_pages(stack, since, MAX_EVENT_PAGES).await
    }

    /// The newest page of `DescribeStackEvents` (to tell later events apart from these).
    pub async fn latest_events(&self, stack: &str) -> Result<Vec<StackEvent>, StackError> {
        self.events_pages(stack, None, 1).await
    }

    async fn events_pages(
        &self,
        stack: &str,
        since: Option<jiff::Timestamp>,
        max_pages: usize,
    ) -> Result<Vec<StackEvent>, StackError> {
        const OP: &str = "DescribeStackEvents";
        let mut pages = self
            .client
            .describe_stack_events()
            .stack_name(stack)
            .into_paginator()
            .send();
        let mut events = Vec::new();
        let mut read = 0;
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| StackError::call(OP, stack, e))?;
            read += 1;
            let mut older = false;
            for e in page.stack_events() {
                let when = e.timestamp().and_then(timestamp);
                if let (Some(since), Some(when)) = (since, when)
                    && when < since
                {
                    older = true;
                    continue;
                }
                let is_stack = e.logical_resource_id() == e.stack_name()
                    && e.resource_type() == Some("AWS::CloudFormation::Stack")
                    && e.physical_resource_id() == e.stack_id();
                events.push(StackEvent {
                    id: e.event_id().unwrap_or_default().to_string(),
                    timestamp: when,
                    logical_id: if is_stack {
                        String::new()
                    } else {
                        e.logical_resource_id().unwrap_or_default().to_string()
                    },
                    physical_id: e.physical_resource_id().map(str::to_string),
                    resource_type: e.resource_type().unwrap_or_default().to_string(),
                    status: e
                        .resource_status()
                        .map(|s| s.as_str().to_string())
                        .unwrap_or_default(),
                    reason: e
                        .resource_status_reason()
                        .filter(|r| !r.is_empty())
                        .map(str::to_string),
                });
            }
            if older || read >= max_pages {
                break;
            }
        }
        Ok(events)
    }

    /// `GetTemplate` (the original stage: the template as submitted, before any
    /// transform); `None` when the stack does not exist.
    pub async fn template(&self, stack: &str) -> Result<Option<String>, StackError> {
        const OP: &str = "GetTemplate";
        match self
            .client
            .get_template()
            .stack_name(stack)
            .template_stage(TemplateStage::Original)
            .send()
            .await
        {
            Ok(out) => Ok(out.template_body().map(str::to_string)),
            Err(e) => StackError::call(OP, stack, e).absent(),
        }
    }
}

fn timestamp(t: &aws_sdk_cloudformation::primitives::DateTime) -> Option<jiff::Timestamp> {
    jiff::Timestamp::new(t.secs(), t.subsec_nanos() as i32).ok()
}

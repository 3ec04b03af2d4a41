//! Authorizer: which roles may call which action.
//!
//! The default [`RolePolicy::nova`] is Nova's EC2 table (Describe calls and key pairs
//! open to every role; network actions for `netadmin`; instances, volumes and images for
//! `projectmanager` and `sysadmin`; anything else for admins only), extended so that the
//! role `member` may call every action. Administrators pass every check, but stay in
//! their own project: the Authorizer decides *whether* an action may run, the context's
//! project decides *on what*.

use std::collections::HashMap;
use std::sync::Arc;

use async_trait::async_trait;

use super::controller::Action;
use super::error::{Ec2Error, ErrorCode};
use super::requestify::Ec2Request;
use crate::core::{Application, BoxError, Context, Middleware, Request, Response};

/// Decides whether a caller may run an action.
pub trait Policy: Send + Sync + 'static {
    /// Whether `context` may run `action`.
    fn allows(&self, action: Action, context: &Context) -> bool;
}

/// Who may run an action under a [`RolePolicy`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Rule {
    /// Every authenticated caller.
    Anyone,
    /// Callers holding one of these roles (and administrators).
    Roles(Vec<String>),
}

/// A table from action to [`Rule`]; actions without a rule are for administrators only.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RolePolicy {
    rules: HashMap<Action, Rule>,
}

const OPEN_TO_ALL: &[Action] = &[
    Action::DescribeAvailabilityZones,
    Action::DescribeRegions,
    Action::DescribeSnapshots,
    Action::DescribeKeyPairs,
    Action::CreateKeyPair,
    Action::DeleteKeyPair,
    Action::ImportKeyPair,
    Action::DescribeSecurityGroups,
    Action::DescribeInstances,
    Action::DescribeAddresses,
    Action::DescribeImages,
    Action::DescribeImageAttribute,
];

const NETADMIN: &[Action] = &[
    Action::AuthorizeSecurityGroupIngress,
    Action::RevokeSecurityGroupIngress,
    Action::CreateSecurityGroup,
    Action::DeleteSecurityGroup,
    Action::AllocateAddress,
    Action::ReleaseAddress,
    Action::AssociateAddress,
    Action::DisassociateAddress,
];

const PROJECT_MANAGER_SYSADMIN: &[Action] = &[
    Action::GetConsoleOutput,
    Action::DescribeVolumes,
    Action::CreateVolume,
    Action::AttachVolume,
    Action::DetachVolume,
    Action::DeleteVolume,
    Action::RunInstances,
    Action::TerminateInstances,
    Action::RebootInstances,
    Action::StartInstances,
    Action::StopInstances,
    Action::DeregisterImage,
    Action::RegisterImage,
    Action::ModifyImageAttribute,
    Action::UpdateImage,
    Action::CreateImage,
];

impl RolePolicy {
    /// A policy that allows nothing but administrators.
    pub fn admin_only() -> Self {
        RolePolicy::default()
    }

    /// Nova's table exactly, without the `member` extension.
    pub fn nova_strict() -> Self {
        let mut policy = RolePolicy::default();
        for action in OPEN_TO_ALL {
            policy.rules.insert(*action, Rule::Anyone);
        }
        for action in NETADMIN {
            policy
                .rules
                .insert(*action, Rule::Roles(vec!["netadmin".into()]));
        }
        for action in PROJECT_MANAGER_SYSADMIN {
            policy.rules.insert(
                *action,
                Rule::Roles(vec!["projectmanager".into(), "sysadmin".into()]),
            );
        }
        policy
    }

    /// Nova's table, extended so that `member` may run every action. The default.
    pub fn nova() -> Self {
        let mut policy = RolePolicy::nova_strict();
        for action in Action::ALL {
            policy.allow_role(*action, "member");
        }
        policy
    }

    /// Sets the rule of `action`.
    pub fn set(mut self, action: Action, rule: Rule) -> Self {
        self.rules.insert(action, rule);
        self
    }

    /// Lets `role` run `action`, besides whoever could already.
    pub fn allow_role(&mut self, action: Action, role: &str) {
        match self
            .rules
            .entry(action)
            .or_insert_with(|| Rule::Roles(Vec::new()))
        {
            Rule::Anyone => {}
            Rule::Roles(roles) => {
                if !roles.iter().any(|held| held.eq_ignore_ascii_case(role)) {
                    roles.push(role.to_owned());
                }
            }
        }
    }

    /// The rule of `action`, if it has one.
    pub fn rule(&self, action: Action) -> Option<&Rule> {
        self.rules.get(&action)
    }
}

impl Policy for RolePolicy {
    fn allows(&self, action: Action, context: &Context) -> bool {
        if context.is_admin {
            return true;
        }
        match self.rules.get(&action) {
            Some(Rule::Anyone) => true,
            Some(Rule::Roles(roles)) => roles.iter().any(|role| context.has_role(role)),
            None => false,
        }
    }
}

/// The error a refused action gets: HTTP 403 `UnauthorizedOperation`.
pub fn unauthorized() -> Ec2Error {
    Ec2Error::new(
        ErrorCode::UnauthorizedOperation,
        "You are not authorized to perform this operation.",
    )
}

/// The Authorizer middleware.
#[derive(Clone)]
pub struct Authorizer {
    policy: Arc<dyn Policy>,
}

impl std::fmt::Debug for Authorizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Authorizer").finish_non_exhaustive()
    }
}

impl Authorizer {
    /// An authorizer enforcing `policy`.
    pub fn new(policy: Arc<dyn Policy>) -> Self {
        Authorizer { policy }
    }
}

impl Default for Authorizer {
    fn default() -> Self {
        Authorizer::new(Arc::new(RolePolicy::nova()))
    }
}

#[async_trait]
impl Middleware for Authorizer {
    async fn handle(&self, request: Request, next: &dyn Application) -> Result<Response, BoxError> {
        let action = request
            .extensions()
            .get::<Arc<Ec2Request>>()
            .map(|r| r.action);
        let context = request.extensions().get::<Context>();
        match (action, context) {
            (Some(action), Some(context)) if self.policy.allows(action, context) => {}
            (Some(_), Some(_)) => return Err(unauthorized().into()),
            // Without a parsed request or a context there is nothing to authorize against:
            // the chain is misassembled, and refusing is the safe answer.
            _ => return Err(unauthorized().into()),
        }
        next.call(request).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_roles(roles: &[&str]) -> Context {
        Context {
            roles: roles.iter().map(|r| r.to_string()).collect(),
            ..Context::default()
        }
    }

    #[test]
    fn nova_table_is_the_strict_base() {
        let policy = RolePolicy::nova_strict();
        assert!(policy.allows(Action::DescribeInstances, &with_roles(&[])));
        assert!(policy.allows(Action::RunInstances, &with_roles(&["sysadmin"])));
        assert!(!policy.allows(Action::RunInstances, &with_roles(&["netadmin"])));
        assert!(policy.allows(Action::AllocateAddress, &with_roles(&["netadmin"])));
        assert!(!policy.allows(Action::CreateTags, &with_roles(&["sysadmin"])));
    }

    #[test]
    fn member_may_run_every_action_by_default() {
        let policy = RolePolicy::nova();
        for action in Action::ALL {
            assert!(
                policy.allows(*action, &with_roles(&["Member"])),
                "{action:?}"
            );
        }
        assert!(!policy.allows(Action::RunInstances, &with_roles(&["reader"])));
        assert!(policy.allows(Action::DescribeRegions, &with_roles(&["reader"])));
    }

    #[test]
    fn admins_pass_every_rule() {
        let admin = Context {
            is_admin: true,
            ..Context::default()
        };
        assert!(RolePolicy::admin_only().allows(Action::TerminateInstances, &admin));
        assert!(
            !RolePolicy::admin_only().allows(Action::DescribeRegions, &with_roles(&["member"]))
        );
    }
}

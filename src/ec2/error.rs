//! The EC2 error: a wire code, its HTTP status and a message, rendered as EC2 error XML.

use std::borrow::Cow;
use std::fmt;

use http::StatusCode;

macro_rules! error_codes {
    ($( $(#[$doc:meta])* $variant:ident = $wire:literal, $status:literal; )*) => {
        /// The error codes cumulo answers with, each with the HTTP status AWS uses.
        ///
        /// Client errors are HTTP 400 unless AWS says otherwise: `AuthFailure` 401,
        /// `UnauthorizedOperation` 403, `DryRunOperation` 412, an over-cap body 413,
        /// `InternalError` 500, `Unavailable` and `RequestLimitExceeded` 503.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum ErrorCode {
            $( $(#[$doc])* $variant, )*
        }

        impl ErrorCode {
            /// The code as it appears in `<Code>`.
            pub const fn as_str(self) -> &'static str {
                match self { $( ErrorCode::$variant => $wire, )* }
            }

            /// The HTTP status AWS answers this code with.
            pub fn status(self) -> StatusCode {
                let code: u16 = match self { $( ErrorCode::$variant => $status, )* };
                StatusCode::from_u16(code).unwrap_or(StatusCode::BAD_REQUEST)
            }

            /// The code named `wire`, if cumulo knows it.
            pub fn from_wire(wire: &str) -> Option<Self> {
                match wire { $( $wire => Some(ErrorCode::$variant), )* _ => None }
            }
        }
    };
}

error_codes! {
    /// The signature, credential or access key was refused.
    AuthFailure = "AuthFailure", 401;
    /// The request's time is outside the allowed skew, or a presigned URL expired.
    RequestExpired = "RequestExpired", 400;
    /// The policy refuses the action for the caller.
    UnauthorizedOperation = "UnauthorizedOperation", 403;
    /// A DryRun request would have succeeded.
    DryRunOperation = "DryRunOperation", 412;
    /// The request body did not arrive in time.
    RequestTimeout = "RequestTimeout", 408;
    /// The request body went past the server's cap.
    RequestEntityTooLarge = "RequestEntityTooLarge", 413;
    /// Something failed inside the server.
    InternalError = "InternalError", 500;
    /// The service cannot answer now.
    Unavailable = "Unavailable", 503;
    /// Too many requests.
    RequestLimitExceeded = "RequestLimitExceeded", 503;
    /// The request names no action.
    MissingAction = "MissingAction", 400;
    /// The action is not one the API knows.
    InvalidAction = "InvalidAction", 400;
    /// The backend does not implement the action.
    UnsupportedOperation = "UnsupportedOperation", 400;
    /// The request is malformed (a missing Action or Version, a bad query string).
    InvalidRequest = "InvalidRequest", 400;
    /// A parameter the action needs is missing.
    MissingParameter = "MissingParameter", 400;
    /// A parameter the action does not take was given.
    UnknownParameter = "UnknownParameter", 400;
    /// A parameter's value is not valid.
    InvalidParameterValue = "InvalidParameterValue", 400;
    /// Parameters that cannot be used together were given.
    InvalidParameterCombination = "InvalidParameterCombination", 400;
    /// A parameter needs another one that was not given.
    InvalidParameterDependency = "InvalidParameterDependency", 400;
    /// A parameter is not valid for this request.
    InvalidParameter = "InvalidParameter", 400;
    /// A filter name or value is not valid.
    InvalidFilter = "InvalidFilter", 400;
    /// A pagination token is not valid.
    InvalidPaginationToken = "InvalidPaginationToken", 400;
    /// A ClientToken was reused with other parameters.
    IdempotentParameterMismatch = "IdempotentParameterMismatch", 400;
    /// The operation is not permitted (for example termination protection).
    OperationNotPermitted = "OperationNotPermitted", 400;
    /// The instance is not in a state that allows the operation.
    IncorrectInstanceState = "IncorrectInstanceState", 400;
    /// The resource is not in a state that allows the operation.
    IncorrectState = "IncorrectState", 400;
    /// A limit on resources was reached.
    ResourceLimitExceeded = "ResourceLimitExceeded", 400;
    /// Launching would exceed the project's instance limit.
    InstanceLimitExceeded = "InstanceLimitExceeded", 400;
    /// The instance id is well formed but names no instance the caller can see.
    InvalidInstanceIdNotFound = "InvalidInstanceID.NotFound", 400;
    /// The instance id is not well formed.
    InvalidInstanceIdMalformed = "InvalidInstanceID.Malformed", 400;
    /// The instance attribute is not one EC2 knows.
    InvalidInstanceAttributeValue = "InvalidInstanceAttributeValue", 400;
    /// The image id names no image the caller can see.
    InvalidAmiIdNotFound = "InvalidAMIID.NotFound", 400;
    /// The image id is not well formed.
    InvalidAmiIdMalformed = "InvalidAMIID.Malformed", 400;
    /// The image cannot be used now.
    InvalidAmiIdUnavailable = "InvalidAMIID.Unavailable", 400;
    /// The image attribute is not one EC2 knows.
    InvalidAmiAttributeItemValue = "InvalidAMIAttributeItemValue", 400;
    /// An image with this name already exists in the project.
    InvalidAmiNameDuplicate = "InvalidAMIName.Duplicate", 400;
    /// The image name is not valid.
    InvalidAmiNameMalformed = "InvalidAMIName.Malformed", 400;
    /// A block device mapping is not valid.
    InvalidBlockDeviceMapping = "InvalidBlockDeviceMapping", 400;
    /// The key pair names no key pair of the project.
    InvalidKeyPairNotFound = "InvalidKeyPair.NotFound", 400;
    /// The Dedicated Host id names no host of the project.
    InvalidHostIdNotFound = "InvalidHostID.NotFound", 400;
    /// A key pair with this name already exists.
    InvalidKeyPairDuplicate = "InvalidKeyPair.Duplicate", 400;
    /// The key pair is not in a format EC2 accepts.
    InvalidKeyPairFormat = "InvalidKeyPair.Format", 400;
    /// The imported public key is not in a format EC2 accepts.
    InvalidKeyFormat = "InvalidKey.Format", 400;
    /// The key pair id names no key pair of the project.
    InvalidKeyPairIdNotFound = "InvalidKeyPairId.NotFound", 400;
    /// The volume id names no volume the caller can see.
    InvalidVolumeNotFound = "InvalidVolume.NotFound", 400;
    /// The volume id is not well formed.
    InvalidVolumeIdMalformed = "InvalidVolumeID.Malformed", 400;
    /// The volume and instance are in different zones.
    InvalidVolumeZoneMismatch = "InvalidVolume.ZoneMismatch", 400;
    /// The volume is attached.
    VolumeInUse = "VolumeInUse", 400;
    /// The attachment does not exist.
    InvalidAttachmentNotFound = "InvalidAttachment.NotFound", 400;
    /// The snapshot id names no snapshot the caller can see.
    InvalidSnapshotNotFound = "InvalidSnapshot.NotFound", 400;
    /// The snapshot id is not well formed.
    InvalidSnapshotIdMalformed = "InvalidSnapshotID.Malformed", 400;
    /// The snapshot is in use by an image.
    InvalidSnapshotInUse = "InvalidSnapshot.InUse", 400;
    /// The security group names no group the caller can see.
    InvalidGroupNotFound = "InvalidGroup.NotFound", 400;
    /// The security group id is not well formed.
    InvalidGroupIdMalformed = "InvalidGroupId.Malformed", 400;
    /// The security group name or id is not valid.
    InvalidGroupMalformed = "InvalidGroup.Malformed", 400;
    /// A security group with this name already exists.
    InvalidGroupDuplicate = "InvalidGroup.Duplicate", 400;
    /// The security group name is reserved.
    InvalidGroupReserved = "InvalidGroup.Reserved", 400;
    /// The group cannot be deleted.
    CannotDelete = "CannotDelete", 400;
    /// The rule already exists.
    InvalidPermissionDuplicate = "InvalidPermission.Duplicate", 400;
    /// The rule does not exist.
    InvalidPermissionNotFound = "InvalidPermission.NotFound", 400;
    /// The rule is not valid.
    InvalidPermissionMalformed = "InvalidPermission.Malformed", 400;
    /// Too many security groups.
    SecurityGroupLimitExceeded = "SecurityGroupLimitExceeded", 400;
    /// Too many rules in a security group.
    RulesPerSecurityGroupLimitExceeded = "RulesPerSecurityGroupLimitExceeded", 400;
    /// The resource is still in use by another.
    DependencyViolation = "DependencyViolation", 400;
    /// The address names no address of the project.
    InvalidAddressNotFound = "InvalidAddress.NotFound", 400;
    /// The address is not well formed.
    InvalidAddressMalformed = "InvalidAddress.Malformed", 400;
    /// The allocation id names no allocation of the project.
    InvalidAllocationIdNotFound = "InvalidAllocationID.NotFound", 400;
    /// The association id names no association of the project.
    InvalidAssociationIdNotFound = "InvalidAssociationID.NotFound", 400;
    /// Too many addresses.
    AddressLimitExceeded = "AddressLimitExceeded", 400;
    /// The address is associated elsewhere and reassociation was not allowed.
    ResourceAlreadyAssociated = "Resource.AlreadyAssociated", 400;
    /// The address is still associated.
    InvalidIpAddressInUse = "InvalidIPAddress.InUse", 400;
    /// The network interface id names no interface the caller can see.
    InvalidNetworkInterfaceIdNotFound = "InvalidNetworkInterfaceID.NotFound", 400;
    /// The resource id is not well formed.
    InvalidId = "InvalidID", 400;
    /// The zone names no zone of the region.
    InvalidZoneNotFound = "InvalidZone.NotFound", 400;
    /// The region is not one the server serves.
    InvalidRegionNotFound = "InvalidRegion.NotFound", 400;
    /// The instance type is not one the region offers.
    InvalidInstanceType = "InvalidInstanceType", 400;
    /// The subnet names no subnet of the project.
    InvalidSubnetIdNotFound = "InvalidSubnetID.NotFound", 400;
    /// The VPC names no VPC of the project.
    InvalidVpcIdNotFound = "InvalidVpcID.NotFound", 400;
    /// The user data is not valid base64 or is too long.
    InvalidUserDataMalformed = "InvalidUserData.Malformed", 400;
    /// The tag is not valid.
    InvalidTagKeyMalformed = "InvalidTagKey.Malformed", 400;
    /// Too many tags on a resource.
    TagLimitExceeded = "TagLimitExceeded", 400;
    /// The project's volume quota is reached.
    VolumeLimitExceeded = "VolumeLimitExceeded", 400;
    /// The project's snapshot quota is reached.
    SnapshotLimitExceeded = "SnapshotLimitExceeded", 400;
}

/// An EC2 error: the answer to a request that did not succeed.
#[derive(Clone, PartialEq, Eq)]
pub struct Ec2Error {
    code: ErrorCode,
    message: Cow<'static, str>,
}

impl Ec2Error {
    /// An error with `code` and `message`.
    pub fn new(code: ErrorCode, message: impl Into<Cow<'static, str>>) -> Self {
        Ec2Error {
            code,
            message: message.into(),
        }
    }

    /// The error code.
    pub fn code(&self) -> ErrorCode {
        self.code
    }

    /// The message shown to the client.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The HTTP status of the response.
    pub fn status(&self) -> StatusCode {
        self.code.status()
    }

    /// The backend does not implement `action`.
    pub fn unsupported(action: &str) -> Self {
        Ec2Error::new(
            ErrorCode::UnsupportedOperation,
            format!("The action {action} is not supported by this cloud."),
        )
    }

    /// A required parameter is missing.
    pub fn missing_parameter(name: &str) -> Self {
        Ec2Error::new(
            ErrorCode::MissingParameter,
            format!("The request must contain the parameter {name}"),
        )
    }

    /// A parameter's value is not valid.
    pub fn invalid_value(name: &str, value: &str, why: &str) -> Self {
        Ec2Error::new(
            ErrorCode::InvalidParameterValue,
            format!("Value ({value}) for parameter {name} is invalid. {why}"),
        )
    }

    /// A DryRun request would have succeeded.
    pub fn dry_run() -> Self {
        Ec2Error::new(
            ErrorCode::DryRunOperation,
            "Request would have succeeded, but DryRun flag is set.",
        )
    }

    /// An internal failure, with a message that reveals nothing about it.
    pub fn internal() -> Self {
        Ec2Error::new(
            ErrorCode::InternalError,
            "An internal error has occurred. Retry your request, but if the problem persists, \
             contact us with details by posting a message on the forums.",
        )
    }

    /// The error XML AWS sends: `<Response><Errors><Error>…</Error></Errors><RequestID>`.
    pub fn to_xml(&self, request_id: &str) -> String {
        let mut xml = String::with_capacity(160 + self.message.len());
        xml.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>");
        xml.push_str(self.code.as_str());
        xml.push_str("</Code><Message>");
        super::xml::escape_into(&mut xml, &self.message);
        xml.push_str("</Message></Error></Errors><RequestID>");
        super::xml::escape_into(&mut xml, request_id);
        xml.push_str("</RequestID></Response>");
        xml
    }
}

impl fmt::Debug for Ec2Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Ec2Error({}: {})", self.code.as_str(), self.message)
    }
}

impl fmt::Display for Ec2Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.message)
    }
}

impl std::error::Error for Ec2Error {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_follow_aws() {
        assert_eq!(ErrorCode::AuthFailure.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(
            ErrorCode::UnauthorizedOperation.status(),
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            ErrorCode::DryRunOperation.status(),
            StatusCode::PRECONDITION_FAILED
        );
        assert_eq!(
            ErrorCode::RequestEntityTooLarge.status(),
            StatusCode::PAYLOAD_TOO_LARGE
        );
        assert_eq!(
            ErrorCode::InternalError.status(),
            StatusCode::INTERNAL_SERVER_ERROR
        );
        assert_eq!(
            ErrorCode::Unavailable.status(),
            StatusCode::SERVICE_UNAVAILABLE
        );
        assert_eq!(
            ErrorCode::InvalidInstanceIdNotFound.status(),
            StatusCode::BAD_REQUEST
        );
        assert_eq!(ErrorCode::RequestExpired.status(), StatusCode::BAD_REQUEST);
    }

    #[test]
    fn wire_names_round_trip() {
        assert_eq!(
            ErrorCode::InvalidAmiIdNotFound.as_str(),
            "InvalidAMIID.NotFound"
        );
        assert_eq!(
            ErrorCode::from_wire("InvalidInstanceID.Malformed"),
            Some(ErrorCode::InvalidInstanceIdMalformed)
        );
        assert_eq!(ErrorCode::from_wire("NoSuchCode"), None);
    }

    #[test]
    fn error_xml_is_bare_and_escaped() {
        let error = Ec2Error::new(ErrorCode::InvalidParameterValue, "a < b & \"c\"");
        assert_eq!(
            error.to_xml("req-1"),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error>\
             <Code>InvalidParameterValue</Code><Message>a &lt; b &amp; \"c\"</Message>\
             </Error></Errors><RequestID>req-1</RequestID></Response>"
        );
    }
}

//! Tags on any resource.

use super::placeholder_shapes;

placeholder_shapes! {
    CreateTagsInput, CreateTagsOutput;
    DeleteTagsInput, DeleteTagsOutput;
    DescribeTagsInput, DescribeTagsOutput;
}

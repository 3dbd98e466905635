/**
 * SecureS3Cdn: a private bucket behind CloudFront, with uploads through presigned POSTs and an
 * application role allowed to call the signing function. Checks on.
 */
import { App, Stack, Validations, aws_iam as iam } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { GuardedPatternsChecks, SecureS3Cdn } from '../src';

const app = new App();
// Run the library's checks and cdk-nag's AwsSolutions over everything in the app.
Validations.of(app).addPlugins(new GuardedPatternsChecks(app), new AwsSolutionsChecks(app));

// Environment-agnostic: nothing is looked up at synth.
const stack = new Stack(app, 'SecureS3CdnExample');

const cdn = new SecureS3Cdn(stack, 'Cdn', {
  uploads: { keyPrefix: 'uploads/', allowedContentTypes: ['image/jpeg', 'image/png'] },
});

// The application's role asks the function for presigned POSTs (IAM-authenticated URL).
const appRole = new iam.Role(stack, 'AppRole', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
cdn.grantSignUpload(appRole);

// Choices the AwsSolutions pack asks about, decided here for public static files.
Validations.of(cdn.distribution).acknowledge(
  { id: 'AwsSolutions-CFR1', reason: 'Public files for every country; no licence restricts where they may be served.' },
  { id: 'AwsSolutions-CFR2', reason: 'Static files behind origin access control; a web ACL is added when the threat model needs one.' },
);

/**
 * Loads a handler bundle in a fresh Node.js process, as Lambda does, and records every module the
 * bundle itself requires. With an event, also invokes its handler: with `ecs`, against an ECS
 * account mocked with aws-sdk-client-mock on the very @aws-sdk/client-ecs the bundle loads;
 * without, with the real SDK against the AWS that the environment names (AWS_ENDPOINT_URL).
 * test/assets/bundle.ts runs it from the tests.
 *
 * Usage: node run-bundle.js <bundle/index.js>, with an optional JSON request on stdin:
 *   { "event": {...}, "ecs": { "services": [...], "taskDefinitions": {...} } }
 * Prints one JSON line: { requires, result?, error?, calls?, logs }.
 */
'use strict';
const fs = require('fs');
const Module = require('module');
const path = require('path');

const bundle = path.resolve(process.argv[2]);
const request = process.stdin.isTTY ? {} : JSON.parse(fs.readFileSync(0, 'utf8') || '{}');

const requires = [];
const load = Module._load;
Module._load = function (name, parent, isMain) {
  if (parent && parent.filename === bundle) {
    requires.push(name);
  }
  return load.call(this, name, parent, isMain);
};

const logs = [];
console.log = (line) => logs.push(String(line));

async function main() {
  const calls = [];
  if (request.ecs) {
    // The client class the bundle will load: resolved from the bundle's own directory.
    const ecsModule = require(require.resolve('@aws-sdk/client-ecs', { paths: [path.dirname(bundle)] }));
    const { mockClient } = require('aws-sdk-client-mock');
    const mock = mockClient(ecsModule.ECSClient);
    const { services, taskDefinitions } = request.ecs;
    mock.on(ecsModule.ListServicesCommand).callsFake((input) => {
      calls.push(['ListServices', input.cluster]);
      return { serviceArns: services.filter((s) => s.clusterArn === input.cluster).map((s) => s.serviceArn) };
    });
    mock.on(ecsModule.DescribeServicesCommand).callsFake((input) => {
      calls.push(['DescribeServices', input.services]);
      return {
        services: services.filter((s) => input.services.includes(s.serviceArn))
          .map((s) => ({ ...s, deployments: s.deployments.map((d) => ({ ...d, createdAt: new Date(d.createdAt) })) })),
        failures: [],
      };
    });
    mock.on(ecsModule.DescribeTaskDefinitionCommand).callsFake((input) => {
      calls.push(['DescribeTaskDefinition', input.taskDefinition]);
      return { taskDefinition: { taskDefinitionArn: input.taskDefinition, containerDefinitions: taskDefinitions[input.taskDefinition] } };
    });
    mock.on(ecsModule.UpdateServiceCommand).callsFake((input) => {
      calls.push(['UpdateService', input.service, input.forceNewDeployment]);
      return { service: { serviceArn: input.service } };
    });
  }
  const { handler } = require(bundle);
  const out = { requires: [...new Set(requires)].sort(), handler: typeof handler };
  if (request.event) {
    try {
      out.result = await handler(request.event);
    } catch (error) {
      out.error = `${error.name}: ${error.message}`;
    }
    out.calls = calls;
  }
  out.logs = logs.map((line) => JSON.parse(line));
  process.stdout.write(JSON.stringify(out));
}

main().catch((error) => {
  process.stderr.write(String(error && error.stack || error));
  process.exit(1);
});

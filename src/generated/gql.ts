/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "query BatchUpdateJob($id: ID!) {\n  batchUpdateJob(id: $id) {\n    id\n    state\n    total\n    done\n    succeeded\n    accepted\n    failed\n  }\n}": typeof types.BatchUpdateJobDocument,
    "subscription BatchUpdateJobProgress($id: ID!) {\n  batchUpdateJobProgress(id: $id) {\n    id\n    state\n    total\n    done\n    succeeded\n    accepted\n    failed\n  }\n}": typeof types.BatchUpdateJobProgressDocument,
    "query BatchUpdateJobResults($id: ID!, $first: Int!, $after: String) {\n  batchUpdateJob(id: $id) {\n    id\n    results(first: $first, after: $after) {\n      edges {\n        node {\n          __typename\n          ... on TaskUpdateOutcome {\n            index\n            backend\n            nativeId\n          }\n          ... on TaskUpdateError {\n            code\n            message\n            vendorCode\n            retryable\n          }\n          ... on TaskUpdateAccepted {\n            message\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n}": typeof types.BatchUpdateJobResultsDocument,
    "mutation BatchUpdateTasks($input: BatchUpdateTasksInput!) {\n  batchUpdateTasks(input: $input) {\n    succeeded\n    accepted\n    failed\n    results {\n      __typename\n      ... on TaskUpdateOutcome {\n        index\n        backend\n        nativeId\n      }\n      ... on TaskUpdateError {\n        code\n        message\n        vendorCode\n        retryable\n      }\n      ... on TaskUpdateAccepted {\n        message\n      }\n    }\n  }\n}": typeof types.BatchUpdateTasksDocument,
    "query ListTasks($after: String) {\n  tasks(first: 20, after: $after, filter: {statuses: [READY, IN_PROGRESS]}) {\n    edges {\n      cursor\n      node {\n        id\n        backend\n        nativeId\n        name\n        status\n        vendorStatus\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    backendErrors {\n      backend\n      code\n      message\n    }\n  }\n}": typeof types.ListTasksDocument,
    "query OpenTask($backend: Backend!, $nativeId: String!, $id: ID!) {\n  task(backend: $backend, nativeId: $nativeId) {\n    id\n    name\n    status\n    ... on K2Task {\n      folio\n      processName\n      actions {\n        name\n        batchable\n      }\n    }\n  }\n  node(id: $id) {\n    id\n    ... on Task {\n      name\n      backend\n    }\n  }\n}": typeof types.OpenTaskDocument,
    "mutation StartBatchUpdateJob($input: BatchUpdateJobInput!) {\n  startBatchUpdateJob(input: $input) {\n    id\n    state\n    total\n    done\n    succeeded\n    accepted\n    failed\n  }\n}": typeof types.StartBatchUpdateJobDocument,
    "mutation StreamUpdate($input: BatchUpdateTasksInput!) {\n  batchUpdateTasks(input: $input) {\n    results @stream(initialCount: 0) {\n      __typename\n      ... on TaskUpdateOutcome {\n        index\n        backend\n        nativeId\n      }\n      ... on TaskUpdateError {\n        code\n        message\n        retryable\n      }\n    }\n    ... @defer {\n      succeeded\n      accepted\n      failed\n    }\n  }\n}": typeof types.StreamUpdateDocument,
    "mutation Update($idempotencyKey: String) {\n  batchUpdateTasks(\n    input: {idempotencyKey: $idempotencyKey, items: [{zuora: {id: \"2771\", status: Stopped}}, {ibmBpm: {id: \"_TKI:a01b0130.23ef69dd.2c2a1ff5.7c9c0135\", priority: 2}}, {k2: {serialNumber: \"12_8\", action: \"Approve\"}}, {superOffice: {id: \"103\", description: \"checked\"}}]}\n  ) {\n    succeeded\n    accepted\n    failed\n    results {\n      __typename\n      ... on TaskUpdateOutcome {\n        index\n        backend\n        nativeId\n      }\n      ... on TaskUpdated {\n        task {\n          id\n          status\n          vendorStatus\n        }\n      }\n      ... on TaskUpdateAccepted {\n        message\n      }\n      ... on TaskUpdateError {\n        code\n        message\n        vendorCode\n        retryable\n      }\n    }\n  }\n}": typeof types.UpdateDocument,
};
const documents: Documents = {
    "query BatchUpdateJob($id: ID!) {\n  batchUpdateJob(id: $id) {\n    id\n    state\n    total\n    done\n    succeeded\n    accepted\n    failed\n  }\n}": types.BatchUpdateJobDocument,
    "subscription BatchUpdateJobProgress($id: ID!) {\n  batchUpdateJobProgress(id: $id) {\n    id\n    state\n    total\n    done\n    succeeded\n    accepted\n    failed\n  }\n}": types.BatchUpdateJobProgressDocument,
    "query BatchUpdateJobResults($id: ID!, $first: Int!, $after: String) {\n  batchUpdateJob(id: $id) {\n    id\n    results(first: $first, after: $after) {\n      edges {\n        node {\n          __typename\n          ... on TaskUpdateOutcome {\n            index\n            backend\n            nativeId\n          }\n          ... on TaskUpdateError {\n            code\n            message\n            vendorCode\n            retryable\n          }\n          ... on TaskUpdateAccepted {\n            message\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n}": types.BatchUpdateJobResultsDocument,
    "mutation BatchUpdateTasks($input: BatchUpdateTasksInput!) {\n  batchUpdateTasks(input: $input) {\n    succeeded\n    accepted\n    failed\n    results {\n      __typename\n      ... on TaskUpdateOutcome {\n        index\n        backend\n        nativeId\n      }\n      ... on TaskUpdateError {\n        code\n        message\n        vendorCode\n        retryable\n      }\n      ... on TaskUpdateAccepted {\n        message\n      }\n    }\n  }\n}": types.BatchUpdateTasksDocument,
    "query ListTasks($after: String) {\n  tasks(first: 20, after: $after, filter: {statuses: [READY, IN_PROGRESS]}) {\n    edges {\n      cursor\n      node {\n        id\n        backend\n        nativeId\n        name\n        status\n        vendorStatus\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    backendErrors {\n      backend\n      code\n      message\n    }\n  }\n}": types.ListTasksDocument,
    "query OpenTask($backend: Backend!, $nativeId: String!, $id: ID!) {\n  task(backend: $backend, nativeId: $nativeId) {\n    id\n    name\n    status\n    ... on K2Task {\n      folio\n      processName\n      actions {\n        name\n        batchable\n      }\n    }\n  }\n  node(id: $id) {\n    id\n    ... on Task {\n      name\n      backend\n    }\n  }\n}": types.OpenTaskDocument,
    "mutation StartBatchUpdateJob($input: BatchUpdateJobInput!) {\n  startBatchUpdateJob(input: $input) {\n    id\n    state\n    total\n    done\n    succeeded\n    accepted\n    failed\n  }\n}": types.StartBatchUpdateJobDocument,
    "mutation StreamUpdate($input: BatchUpdateTasksInput!) {\n  batchUpdateTasks(input: $input) {\n    results @stream(initialCount: 0) {\n      __typename\n      ... on TaskUpdateOutcome {\n        index\n        backend\n        nativeId\n      }\n      ... on TaskUpdateError {\n        code\n        message\n        retryable\n      }\n    }\n    ... @defer {\n      succeeded\n      accepted\n      failed\n    }\n  }\n}": types.StreamUpdateDocument,
    "mutation Update($idempotencyKey: String) {\n  batchUpdateTasks(\n    input: {idempotencyKey: $idempotencyKey, items: [{zuora: {id: \"2771\", status: Stopped}}, {ibmBpm: {id: \"_TKI:a01b0130.23ef69dd.2c2a1ff5.7c9c0135\", priority: 2}}, {k2: {serialNumber: \"12_8\", action: \"Approve\"}}, {superOffice: {id: \"103\", description: \"checked\"}}]}\n  ) {\n    succeeded\n    accepted\n    failed\n    results {\n      __typename\n      ... on TaskUpdateOutcome {\n        index\n        backend\n        nativeId\n      }\n      ... on TaskUpdated {\n        task {\n          id\n          status\n          vendorStatus\n        }\n      }\n      ... on TaskUpdateAccepted {\n        message\n      }\n      ... on TaskUpdateError {\n        code\n        message\n        vendorCode\n        retryable\n      }\n    }\n  }\n}": types.UpdateDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query BatchUpdateJob($id: ID!) {\n  batchUpdateJob(id: $id) {\n    id\n    state\n    total\n    done\n    succeeded\n    accepted\n    failed\n  }\n}"): (typeof documents)["query BatchUpdateJob($id: ID!) {\n  batchUpdateJob(id: $id) {\n    id\n    state\n    total\n    done\n    succeeded\n    accepted\n    failed\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "subscription BatchUpdateJobProgress($id: ID!) {\n  batchUpdateJobProgress(id: $id) {\n    id\n    state\n    total\n    done\n    succeeded\n    accepted\n    failed\n  }\n}"): (typeof documents)["subscription BatchUpdateJobProgress($id: ID!) {\n  batchUpdateJobProgress(id: $id) {\n    id\n    state\n    total\n    done\n    succeeded\n    accepted\n    failed\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query BatchUpdateJobResults($id: ID!, $first: Int!, $after: String) {\n  batchUpdateJob(id: $id) {\n    id\n    results(first: $first, after: $after) {\n      edges {\n        node {\n          __typename\n          ... on TaskUpdateOutcome {\n            index\n            backend\n            nativeId\n          }\n          ... on TaskUpdateError {\n            code\n            message\n            vendorCode\n            retryable\n          }\n          ... on TaskUpdateAccepted {\n            message\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n}"): (typeof documents)["query BatchUpdateJobResults($id: ID!, $first: Int!, $after: String) {\n  batchUpdateJob(id: $id) {\n    id\n    results(first: $first, after: $after) {\n      edges {\n        node {\n          __typename\n          ... on TaskUpdateOutcome {\n            index\n            backend\n            nativeId\n          }\n          ... on TaskUpdateError {\n            code\n            message\n            vendorCode\n            retryable\n          }\n          ... on TaskUpdateAccepted {\n            message\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation BatchUpdateTasks($input: BatchUpdateTasksInput!) {\n  batchUpdateTasks(input: $input) {\n    succeeded\n    accepted\n    failed\n    results {\n      __typename\n      ... on TaskUpdateOutcome {\n        index\n        backend\n        nativeId\n      }\n      ... on TaskUpdateError {\n        code\n        message\n        vendorCode\n        retryable\n      }\n      ... on TaskUpdateAccepted {\n        message\n      }\n    }\n  }\n}"): (typeof documents)["mutation BatchUpdateTasks($input: BatchUpdateTasksInput!) {\n  batchUpdateTasks(input: $input) {\n    succeeded\n    accepted\n    failed\n    results {\n      __typename\n      ... on TaskUpdateOutcome {\n        index\n        backend\n        nativeId\n      }\n      ... on TaskUpdateError {\n        code\n        message\n        vendorCode\n        retryable\n      }\n      ... on TaskUpdateAccepted {\n        message\n      }\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query ListTasks($after: String) {\n  tasks(first: 20, after: $after, filter: {statuses: [READY, IN_PROGRESS]}) {\n    edges {\n      cursor\n      node {\n        id\n        backend\n        nativeId\n        name\n        status\n        vendorStatus\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    backendErrors {\n      backend\n      code\n      message\n    }\n  }\n}"): (typeof documents)["query ListTasks($after: String) {\n  tasks(first: 20, after: $after, filter: {statuses: [READY, IN_PROGRESS]}) {\n    edges {\n      cursor\n      node {\n        id\n        backend\n        nativeId\n        name\n        status\n        vendorStatus\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    backendErrors {\n      backend\n      code\n      message\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query OpenTask($backend: Backend!, $nativeId: String!, $id: ID!) {\n  task(backend: $backend, nativeId: $nativeId) {\n    id\n    name\n    status\n    ... on K2Task {\n      folio\n      processName\n      actions {\n        name\n        batchable\n      }\n    }\n  }\n  node(id: $id) {\n    id\n    ... on Task {\n      name\n      backend\n    }\n  }\n}"): (typeof documents)["query OpenTask($backend: Backend!, $nativeId: String!, $id: ID!) {\n  task(backend: $backend, nativeId: $nativeId) {\n    id\n    name\n    status\n    ... on K2Task {\n      folio\n      processName\n      actions {\n        name\n        batchable\n      }\n    }\n  }\n  node(id: $id) {\n    id\n    ... on Task {\n      name\n      backend\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation StartBatchUpdateJob($input: BatchUpdateJobInput!) {\n  startBatchUpdateJob(input: $input) {\n    id\n    state\n    total\n    done\n    succeeded\n    accepted\n    failed\n  }\n}"): (typeof documents)["mutation StartBatchUpdateJob($input: BatchUpdateJobInput!) {\n  startBatchUpdateJob(input: $input) {\n    id\n    state\n    total\n    done\n    succeeded\n    accepted\n    failed\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation StreamUpdate($input: BatchUpdateTasksInput!) {\n  batchUpdateTasks(input: $input) {\n    results @stream(initialCount: 0) {\n      __typename\n      ... on TaskUpdateOutcome {\n        index\n        backend\n        nativeId\n      }\n      ... on TaskUpdateError {\n        code\n        message\n        retryable\n      }\n    }\n    ... @defer {\n      succeeded\n      accepted\n      failed\n    }\n  }\n}"): (typeof documents)["mutation StreamUpdate($input: BatchUpdateTasksInput!) {\n  batchUpdateTasks(input: $input) {\n    results @stream(initialCount: 0) {\n      __typename\n      ... on TaskUpdateOutcome {\n        index\n        backend\n        nativeId\n      }\n      ... on TaskUpdateError {\n        code\n        message\n        retryable\n      }\n    }\n    ... @defer {\n      succeeded\n      accepted\n      failed\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation Update($idempotencyKey: String) {\n  batchUpdateTasks(\n    input: {idempotencyKey: $idempotencyKey, items: [{zuora: {id: \"2771\", status: Stopped}}, {ibmBpm: {id: \"_TKI:a01b0130.23ef69dd.2c2a1ff5.7c9c0135\", priority: 2}}, {k2: {serialNumber: \"12_8\", action: \"Approve\"}}, {superOffice: {id: \"103\", description: \"checked\"}}]}\n  ) {\n    succeeded\n    accepted\n    failed\n    results {\n      __typename\n      ... on TaskUpdateOutcome {\n        index\n        backend\n        nativeId\n      }\n      ... on TaskUpdated {\n        task {\n          id\n          status\n          vendorStatus\n        }\n      }\n      ... on TaskUpdateAccepted {\n        message\n      }\n      ... on TaskUpdateError {\n        code\n        message\n        vendorCode\n        retryable\n      }\n    }\n  }\n}"): (typeof documents)["mutation Update($idempotencyKey: String) {\n  batchUpdateTasks(\n    input: {idempotencyKey: $idempotencyKey, items: [{zuora: {id: \"2771\", status: Stopped}}, {ibmBpm: {id: \"_TKI:a01b0130.23ef69dd.2c2a1ff5.7c9c0135\", priority: 2}}, {k2: {serialNumber: \"12_8\", action: \"Approve\"}}, {superOffice: {id: \"103\", description: \"checked\"}}]}\n  ) {\n    succeeded\n    accepted\n    failed\n    results {\n      __typename\n      ... on TaskUpdateOutcome {\n        index\n        backend\n        nativeId\n      }\n      ... on TaskUpdated {\n        task {\n          id\n          status\n          vendorStatus\n        }\n      }\n      ... on TaskUpdateAccepted {\n        message\n      }\n      ... on TaskUpdateError {\n        code\n        message\n        vendorCode\n        retryable\n      }\n    }\n  }\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;
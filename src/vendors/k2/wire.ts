// K2 SyncREST Task service shapes as they come out of (and go into) the shared XML codec
// (src/vendors/xml.ts): namespace prefixes removed, attributes as `@_Name`, text as `#text` when the
// element also has attributes, repeated elements declared as arrays. Types only.

export const K2_TASK_NS = 'http://schemas.k2.com/task/d1';
export const K2_PROCESS_NS = 'http://schemas.k2.com/process/d1';
export const K2_FRAMEWORK_NS = 'http://schemas.k2.com/framework/d1';

/** Elements that are always lists, whatever their count (the codec's `arrayElements`). */
export const K2_ARRAY_ELEMENTS = [
  'Task', 'Action', 'Success', 'Failure', 'ProcessDataField', 'ActivityDataField', 'ProcessXmlField',
  'ActivityXmlField', 'UpdateTask',
] as const;

/** A leaf element: a bare string, or an object when it carries attributes (`xsi:nil`, `Name`...). */
export type K2XmlText = string | { '#text'?: string; [attribute: `@_${string}`]: string | undefined };

/** `<ProcessDataField Name="Amount">120.50</ProcessDataField>` and its three siblings. */
export type K2WireField = K2XmlText;

export interface K2WireAction {
  '@_Name'?: string;
  /** "true" / "false" */
  '@_Batchable'?: string;
}

/** `<Task SerialNumber="12_8">` from GET /Task/Items and GET /Task/Items({SerialNumber}). */
export interface K2WireTask {
  '@_SerialNumber'?: string;
  ProcessName?: K2XmlText;
  StartDate?: K2XmlText;
  ProcessFullName?: K2XmlText;
  ProcessFolio?: K2XmlText;
  ActivityName?: K2XmlText;
  Priority?: K2XmlText;
  Status?: K2XmlText;
  Originator?: K2XmlText;
  /** The client event URL (`...?SN=12_8`). */
  Data?: K2XmlText;
  Action?: K2WireAction[];
  ProcessDataField?: K2WireField[];
  ActivityDataField?: K2WireField[];
  ProcessXmlField?: K2WireField[];
  ActivityXmlField?: K2WireField[];
  [other: string]: unknown;
}

/** `''` when the collection is empty (`<TaskCollection/>`). */
export type K2WireTaskCollection = { Task?: K2WireTask[] } | '';

/**
 * A failed GET, or one failed item of UpdateTasks. The vendor page shows `Code="-1"` with the K2 error
 * number leading the Message element; whether Message/Description are elements or attributes is not
 * documented, so both are typed.
 */
export interface K2WireFailure {
  '@_ID'?: string;
  '@_Code'?: string;
  '@_Message'?: string;
  '@_Description'?: string;
  Code?: K2XmlText;
  Message?: K2XmlText;
  Description?: K2XmlText;
}

export interface K2WireSuccess {
  '@_ID'?: string;
}

/** The UpdateTasks reply (framework namespace). Absent entirely when K2 answers an empty 200. */
export interface K2WireMultipleOperationResult {
  Success?: K2WireSuccess[];
  Failure?: K2WireFailure[];
}

/** Any K2 reply document after parsing: one root element, keyed by its local name. */
export interface K2WireDocument {
  TaskCollection?: K2WireTaskCollection;
  Task?: K2WireTask[];
  Failure?: K2WireFailure[];
  Success?: K2WireSuccess[];
  MultipleOperationResult?: K2WireMultipleOperationResult | '';
}

// ---- request side, keyed for the codec's builder (prefixes kept) ----

export interface K2WireFieldOut {
  '@_Name': string;
  '#text': string;
}

export interface K2WireUpdateTaskOut {
  /** Correlation number chosen by the client; echoed as Success/@ID or Failure/@ID. */
  '@_ID': string;
  /** `a:ActionName`, `r:FQN`, `d:FQN` or `s:seconds`. */
  '@_Action': string;
  't:Task': {
    '@_SerialNumber': string;
    'p:ProcessDataField'?: K2WireFieldOut[];
    'p:ProcessXmlField'?: K2WireFieldOut[];
    'p:ActivityDataField'?: K2WireFieldOut[];
    'p:ActivityXmlField'?: K2WireFieldOut[];
  };
}

export interface K2WireUpdateTaskCollectionOut {
  't:UpdateTaskCollection': {
    '@_xmlns:t': typeof K2_TASK_NS;
    '@_xmlns:p': typeof K2_PROCESS_NS;
    't:UpdateTask': K2WireUpdateTaskOut[];
  };
}

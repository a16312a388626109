// SuperOffice Web API v1 BatchTask shapes exactly as on the wire (Swagger 2.0 "SuperOffice REST API v1",
// definitions SuperOffice.CRM.Services.BatchTaskInfo / SuperOffice.CRM.Security.*). Types only.
// Every field is optional and nullable: a .NET serializer writes null for unset references, and an
// "empty carrier" (Id 0, or `{}`) is a documented way for an agent to answer without a task.

/** BatchTaskState names; `Aquired` is spelt that way by the vendor, `All` (99999) is a query wildcard. */
export type BatchTaskStateWire =
  | 'Unknown' | 'New' | 'Aquired' | 'Started' | 'Succeeded' | 'Failed' | 'SucceededManualCleanup' | 'All';

/** The enum's numeric values (SuperOffice.Data.BatchTaskState); JSON normally carries the names. */
export const BATCH_TASK_STATE_VALUES: Readonly<Record<BatchTaskStateWire, number>> = {
  Unknown: 0, New: 1, Aquired: 2, Started: 3, Succeeded: 4, Failed: 5, SucceededManualCleanup: 6, All: 99999,
};

export interface TableRightWire {
  /** e.g. `FULL`, `R`, `Select, Update` */
  Mask?: string | null;
  Reason?: string | null;
}

export interface FieldRightWire {
  Mask?: string | null;
  Reason?: string | null;
}

export interface FieldPropertyWire {
  FieldRight?: FieldRightWire | null;
  /** .NET type name, e.g. `System.Int32` */
  FieldType?: string | null;
  FieldLength?: number | null;
}

export interface BatchTaskInfoWire {
  Id?: number | null;
  Name?: string | null;
  /** 0 means a system task. */
  AssociateId?: number | null;
  DetailsTable?: number | null;
  DetailsRecord?: number | null;
  IsSystemTask?: boolean | null;
  IsInternalTask?: boolean | null;
  /** string → string in the Swagger; stored by the vendor as a binary blob. */
  ParameterObject?: Record<string, string> | null;
  /** `2006-08-14T03:47:00.3943072+02:00`; without offset when the caller sent `SO-TimeZone`. */
  LastStarted?: string | null;
  Created?: string | null;
  StartCount?: number | null;
  DatabaseSerialNumber?: string | null;
  Context?: string | null;
  Result?: string | null;
  /** Writable. A name (occasionally a number from other serializers). */
  State?: BatchTaskStateWire | string | number | null;
  /** Writable. */
  Description?: string | null;
  /** Writable. */
  Response?: string | null;
  /** Writable. */
  Request?: string | null;
  ProgressDescription?: string | null;
  /** No range validation is documented; samples exceed 100. */
  ProgressPercent?: number | null;
  /** Newer versions only (absent from the 2021 Swagger). */
  FileName?: string | null;
  /** Newer versions only; sample `CanCancel`. */
  CancellationBehaviour?: string | null;
  TableRight?: TableRightWire | null;
  FieldProperties?: Record<string, FieldPropertyWire> | null;
}

/**
 * What taskhub PUTs to /api/v1/BatchTask/{Id}: the Id (equal to the path) and all four writable fields,
 * because the vendor may reset a writable field the body leaves out.
 */
export interface BatchTaskPutBody {
  Id: number;
  State?: string;
  Description: string | null;
  Response: string | null;
  Request: string | null;
}

/** The Web API's error object: `{"Error":true,"ErrorType":"SoNotFoundException",...}`. */
export interface SoErrorWire {
  Error?: boolean;
  /** .NET exception name: SoNotFoundException, SoAccessDeniedException, ArgumentException… */
  ErrorType?: string;
  ErrorMessage?: string;
  ErrorSource?: string;
}

/** ASP.NET Web API's own error shape (routing, unsupported method): `{"Message":"..."}`. */
export interface AspNetErrorWire {
  Message?: string;
  MessageDetail?: string;
}

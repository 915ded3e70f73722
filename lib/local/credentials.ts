/**
 * The fake credentials every local client and handler signs with. DynamoDB Local only accepts access key ids
 * made of letters and digits; the S3 emulator is told to accept this pair as well.
 */
export const LOCAL_CREDENTIALS = { accessKeyId: "skifflocal", secretAccessKey: "skifflocal" } as const;

/** The region the embedded stack pretends to be in. */
export const LOCAL_REGION = "us-east-1";

/** The account id that appears in local ARNs and EventBridge envelopes. */
export const LOCAL_ACCOUNT_ID = "000000000000";

/** What the domain rules know about the tenant being rendered. */
export interface DomainContext {
  namespace: string;
  release: string;
  /** global.environment of the tenant (dev|staging|production); undefined counts as not dev. */
  environment?: string;
  /** global.objectStorage.provider (s3|gcs|azure). */
  objectStorageProvider?: string;
  /** global.airGapped: nothing may leave the cluster. */
  airGapped?: boolean;
}

export const STORAGE_SCHEMES: Record<string, string[]> = {
  s3: ['s3://', 's3a://', 's3p://'],
  gcs: ['gs://'],
  azure: ['abfss://'],
};

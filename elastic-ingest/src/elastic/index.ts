/**
 * @module What Sentinel installs into Elasticsearch: component and index templates generated from
 * ECS, the ILM policy, and `setupElastic` behind `sentinel setup elastic`.
 */
export { setupElastic } from './setup.js'
export type { SetupAction, SetupElasticOptions, SetupItem, SetupReport } from './setup.js'
export { ELASTIC_SETUP_ERRORS, ElasticSetupError, redactUrl } from './errors.js'
export type { ElasticSetupErrorCode } from './errors.js'
export {
  COMPONENT_ECS_MAPPINGS,
  COMPONENT_SENTINEL_MAPPINGS,
  COMPONENT_SETTINGS,
  DATA_STREAMS,
  INDEX_TEMPLATE_PRIORITY,
  componentTemplates,
  indexTemplates,
  mappedFields,
  templateName,
} from './templates.js'
export type { ComponentTemplateBody, IndexTemplateBody, TemplateOptions } from './templates.js'
export { DEFAULT_RETENTION_DAYS, ILM_POLICY_NAME, ROLLOVER, ilmPolicy, validateIlmPolicy } from './ilm.js'
export type { IlmPhase, IlmPolicyBody } from './ilm.js'
export { ecsFieldMapping } from './ecs-mappings.js'
export type { FieldMapping, Properties } from './ecs-mappings.js'
export { EMITTED_ECS_FIELDS } from './emitted-fields.js'
export { OPTIONAL_FIELD_TYPES } from './field-types.js'
export { renderElasticFiles } from './render.js'
export { MANAGED_BY, SENTINEL_VERSION } from './version.js'

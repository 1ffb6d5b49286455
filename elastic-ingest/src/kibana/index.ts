/** @module Kibana saved objects (data views, searches, Lens charts, dashboards) and `setupKibana`. */
export { setupKibana, importEndpoint, parseImportResponse } from './setup.js'
export type { ImportedObject, ImportError, KibanaImportReport, KibanaSetupOptions } from './setup.js'
export { KibanaSetupError, KIBANA_SETUP_ERRORS } from './errors.js'
export type { KibanaSetupErrorCode } from './errors.js'
export { renderSavedObjects, SAVED_OBJECTS_PATH, SENTINEL_SAVED_OBJECTS } from './objects/index.js'
export { CORE_MIGRATION_VERSION, renderNdjson, TYPE_MIGRATION_VERSIONS } from './saved-object.js'
export type { SavedObject, SavedObjectReference, SavedObjectType } from './saved-object.js'

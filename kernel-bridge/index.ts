export * from './kernel';
export * from './messages';
export * from './kernelspecs';
export * from './jupyter-paths';
export * from './iopub-outputs';
export * from './overwritten-chars';
export * from './ask-for-input';
export * from './kernel-error';
export * from './shell-replies';
export {
  ZmqKernel,
  type ZmqKernelOptions,
  KERNEL_START_TIMEOUT_MS,
  SHUTDOWN_TIMEOUT_MS,
} from './zmq/zmq-kernel';
export { HAS_PARENT_DEATH_SIGNAL } from './zmq/kernel-process';
export { HEARTBEAT_TIMEOUT_MS } from './zmq/heartbeat';
export {
  JupyterServerKernel,
  type JupyterServerKernelOptions,
} from './jupyter-server/jupyter-server-kernel';
export {
  type JupyterServerAddress,
  describeJupyterServer,
  parseJupyterServerAddress,
} from './jupyter-server/jupyter-server-address';
export { type ServerKernelSpec, listServerKernelSpecs } from './jupyter-server/server-kernelspecs';

// Stand-in for react-devtools-core in the production bundle (Ink only connects to it in development).
export default { initialize() {}, connectToDevTools() {} };
export function initialize() {}
export function connectToDevTools() {}

// What every view module exports, around one view object made by `make(root, ctx)`:
// mount(root, params, ctx), unmount(), update(params), setActive(on) and relabel(), each
// passed on to the object's mount, destroy, apply, setActive and relabel; current() is the object.

export function viewModule(make) {
  let view = null;
  return {
    async mount(root, params, ctx) {
      view = make(root, ctx);
      await view.mount(params);
    },
    unmount() {
      view?.destroy();
      view = null;
    },
    update: (params) => view?.apply(params),
    setActive: (on) => view?.setActive(on),
    relabel: () => view?.relabel(),
    current: () => view,
  };
}

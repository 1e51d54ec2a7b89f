// What the grid tells each tile it renders.
export interface TileContext<T> {
  item: T | undefined;
  index: number;
  width: number;
  height: number;
  selected: boolean;
  active: boolean;
  /** false while the grid is flying past (a fast scroll or a jump): tiles hold off loading media */
  settled: boolean;
}

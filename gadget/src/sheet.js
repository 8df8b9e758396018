/*
 * Where the popover goes when no side placement is needed: a full-width sheet on narrow screens
 * (at the bottom, or at the top when the element is in the lower half of the screen), centred
 * when there is no element. Phones need nothing more, so placement.js (the sides) is a module of
 * its own that only wide screens load.
 */
( function ( wt ) {
	'use strict';
	var MARGIN = 8;

	/**
	 * @param {Object|null} target The element's rectangle {top, left, width, height}, or null
	 * @param {Object} size The popover's {width, height}
	 * @param {Object} view The viewport's {width, height}
	 * @param {number} [narrowWidth] Below this viewport width: a sheet
	 * @return {Object|null} {side, top, left, width, arrow} as placement.place, or null when
	 *  the popover belongs beside its element
	 */
	wt.sheet = function ( target, size, view, narrowWidth ) {
		if ( view.width < ( narrowWidth || 640 ) ) {
			return { side: 'sheet', left: MARGIN, width: view.width - 2 * MARGIN, arrow: null,
				top: target && target.top + target.height / 2 > view.height / 2 ?
					MARGIN : Math.max( MARGIN, view.height - size.height - MARGIN ) };
		}
		return target ? null : {
			side: 'center',
			top: Math.max( MARGIN, ( view.height - size.height ) / 2 ),
			left: Math.max( MARGIN, ( view.width - size.width ) / 2 ),
			width: null,
			arrow: null
		};
	};
	wt.sheet.MARGIN = MARGIN;
}( mw.libs.wikitours ) );

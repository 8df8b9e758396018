/*
 * An outline around the step's element. It never takes clicks (pointer-events: none), so the
 * reader can use the element itself.
 */
( function ( wt ) {
	'use strict';
	var $box = null;

	wt.highlight = {
		show: function ( el ) {
			if ( !$box ) {
				$box = $( '<div>' ).addClass( 'wikitours-highlight' ).attr( 'aria-hidden', 'true' ).appendTo( document.body );
			}
			wt.highlight.position( el );
		},
		position: function ( el ) {
			var r;
			if ( !$box || !el ) {
				return;
			}
			r = el.getBoundingClientRect();
			$box.css( { top: r.top - 4, left: r.left - 4, width: r.width + 8, height: r.height + 8 } );
		},
		block: function ( hidden ) {
			if ( $box ) {
				$box.toggleClass( 'wikitours-highlight--blocked', hidden );
			}
		},
		destroy: function () {
			if ( $box ) {
				$box.remove();
				$box = null;
			}
		}
	};
}( mw.libs.wikitours ) );

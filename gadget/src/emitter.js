/*
 * A closed set of tour events with listen/emit. DOM code (events.js) only emits; tour.js decides.
 */
( function ( wt ) {
	'use strict';
	var NAMES = [ 'nextClick', 'backClick', 'closeClick', 'targetClick', 'saved', 'editorOpened', 'reposition' ],
		handlers = {};

	wt.emitter = {
		listen: function ( name, fn ) {
			if ( NAMES.indexOf( name ) === -1 ) {
				throw new Error( 'wikitours: unknown event ' + name );
			}
			( handlers[ name ] = handlers[ name ] || [] ).push( fn );
		},
		emit: function ( name, data ) {
			( handlers[ name ] || [] ).slice().forEach( function ( fn ) {
				fn( data );
			} );
		},
		destroy: function () {
			handlers = {};
		}
	};
}( mw.libs.wikitours ) );

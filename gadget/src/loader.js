/*!
 * wikitours loader: the only wikitours code on every page view.
 *
 * It does nothing, and asks the server for nothing, unless a tour is starting (?wikitour=ID in
 * the address, from a "Start this tour" link) or a tour is in progress (its state is kept in
 * localStorage by the runtime so that it survives navigation). Only then is the runtime loaded.
 */
( function () {
	'use strict';
	var m = /[?&]wikitour=([a-z0-9][a-z0-9-]*)/i.exec( location.search ),
		active = null;
	try {
		// No dependencies here, so no mw.storage: this runs on every page view.
		// eslint-disable-next-line mediawiki/no-storage
		active = localStorage.getItem( 'wikitours-active' );
	} catch ( e ) {}
	if ( m || active ) {
		mw.loader.using( 'ext.gadget.wikitours-runtime' ).then( function () {
			mw.libs.wikitours.main( m ? m[ 1 ] : null );
		} );
	}
}() );

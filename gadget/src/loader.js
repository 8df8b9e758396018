/*!
 * wikitours loader: the only wikitours code on every page view.
 *
 * It does nothing, and asks the server for nothing, unless a tour is starting or running:
 * - ?wikitour=ID or #wikitour=ID in the address (the fragment survives the redirect of
 *   Special:MyPage, which drops unknown query parameters);
 * - a click on a "Start this tour" link inside [data-wikitour="ID"] (help pages, catalogue),
 *   remembered for the next page view for the same reason;
 * - a tour in progress, whose state the runtime keeps in localStorage across navigation.
 * Only then is the runtime loaded.
 */
( function () {
	'use strict';
	var ACTIVE = 'wikitours-active',
		START = 'wikitours-start',
		ID = /^[a-z0-9][a-z0-9-]*$/,
		m = /[?&#]wikitour=([a-z0-9][a-z0-9-]*)/.exec( location.search + location.hash ),
		id = m && m[ 1 ],
		active = null,
		store = null;
	try {
		// No dependencies here (not even mediawiki.storage): this runs on every page view.
		store = localStorage;
		active = store.getItem( ACTIVE );
		if ( store.getItem( START ) ) {
			id = id || store.getItem( START );
			store.removeItem( START );
		}
	} catch ( e ) {}
	document.addEventListener( 'click', function ( e ) {
		var box = e.target.closest && e.target.closest( '[data-wikitour]' ),
			start = box && box.getAttribute( 'data-wikitour' );
		if ( start && ID.test( start ) && e.target.closest( 'a[href]' ) && store ) {
			try {
				store.setItem( START, start );
			} catch ( err ) {}
		}
	} );
	if ( ( id && ID.test( id ) ) || active ) {
		mw.loader.using( 'ext.gadget.wikitours-runtime' ).then( function () {
			mw.libs.wikitours.main( id && ID.test( id ) ? id : null );
		} );
	}
}() );

/*
 * Which step shows on this page: pure functions over a page context, so they can be tested
 * without a browser. The context is read from mw.config by context().
 */
( function ( wt ) {
	'use strict';

	function some( list ) {
		return Array.isArray( list ) && list.length > 0;
	}

	/**
	 * @param {Object|null} cond A step's `when` or `unless` (contracts §4)
	 * @return {boolean} Whether the condition names nothing at all
	 */
	function isEmpty( cond ) {
		return !cond || ( !some( cond.actions ) && !some( cond.namespaces ) && !some( cond.skins ) &&
			!some( cond.editors ) && ( cond.loggedIn === null || cond.loggedIn === undefined ) &&
			!namesPageState( cond ) );
	}

	/**
	 * @param {Object|null} cond
	 * @param {Object} ctx From context()
	 * @return {boolean} Whether every part the condition names holds
	 */
	function holds( cond, ctx ) {
		if ( !cond ) {
			return true;
		}
		if ( some( cond.actions ) && cond.actions.indexOf( ctx.action ) === -1 ) {
			return false;
		}
		if ( some( cond.namespaces ) && cond.namespaces.indexOf( ctx.namespace ) === -1 ) {
			return false;
		}
		if ( some( cond.skins ) && cond.skins.indexOf( ctx.skin ) === -1 ) {
			return false;
		}
		if ( some( cond.editors ) && !cond.editors.some( function ( e ) {
			return ctx.editors.indexOf( e ) !== -1;
		} ) ) {
			return false;
		}
		if ( typeof cond.loggedIn === 'boolean' && cond.loggedIn !== ctx.loggedIn ) {
			return false;
		}
		return pageStateHolds( cond, ctx );
	}

	function applies( step, ctx ) {
		return holds( step.when, ctx ) && ( isEmpty( step.unless ) || !holds( step.unless, ctx ) );
	}

	/**
	 * Split a title into namespace number and page text the way MediaWiki does (first letter
	 * upper case, underscores as spaces), using the wiki's own namespace names and aliases.
	 *
	 * @param {string} title
	 * @param {Object} ids wgNamespaceIds
	 * @return {Object} {ns, text}
	 */
	function splitTitle( title, ids ) {
		var t = String( title ).replace( /_/g, ' ' ).trim(),
			i = t.indexOf( ':' ),
			ns = 0,
			id;
		if ( i > 0 ) {
			id = ( ids || {} )[ t.slice( 0, i ).trim().toLowerCase().replace( / /g, '_' ) ];
			if ( typeof id === 'number' ) {
				ns = id;
				t = t.slice( i + 1 ).trim();
			}
		}
		return { ns: ns, text: t.charAt( 0 ).toUpperCase() + t.slice( 1 ) };
	}

	function ownPage( ctx, ns, suffix ) {
		if ( ctx.namespace !== ns ) {
			return false;
		}
		if ( ctx.userName ) {
			return ctx.title === ctx.userName + suffix;
		}
		// Anonymous: the server resolved Special:MyPage to the address's user page.
		return suffix ? ctx.title.slice( -suffix.length ) === suffix : ctx.title.indexOf( '/' ) === -1;
	}

	/**
	 * @param {Object} page A step's `page` (contracts §4)
	 * @param {Object} ctx
	 * @return {boolean} Whether the step happens on the current page
	 */
	function pageMatches( page, ctx ) {
		var t;
		switch ( page && page.kind ) {
			case 'sandbox':
				return ownPage( ctx, 2, '/sandbox' );
			case 'user-page':
				return ownPage( ctx, 2, '' );
			case 'user-talk':
				return ownPage( ctx, 3, '' );
			case 'title':
			case 'special':
				t = splitTitle( page.title, ctx.namespaceIds );
				if ( t.ns === -1 ) {
					return ctx.namespace === -1 && ( t.text === ctx.specialName || t.text === ctx.title );
				}
				return t.ns === ctx.namespace && t.text === ctx.title;
			default:
				return true;
		}
	}

	/**
	 * @param {Object} page
	 * @param {string} userName Empty for anonymous readers
	 * @return {string|null} The title to link to for a step on another page
	 */
	function pageTitle( page, userName ) {
		switch ( page && page.kind ) {
			case 'sandbox':
				return userName ? 'User:' + userName + '/sandbox' : 'Special:MyPage/sandbox';
			case 'user-page':
				return userName ? 'User:' + userName : 'Special:MyPage';
			case 'user-talk':
				return userName ? 'User talk:' + userName : 'Special:MyTalk';
			case 'title':
			case 'special':
				return page.title;
			default:
				return null;
		}
	}

	/**
	 * Which step to show, starting at the tour's frontier *from*.
	 *
	 * Steps whose conditions do not hold here are skipped, except a step that waits for a save:
	 * whether it happened cannot be seen later, so the tour stops there and shows the nearest
	 * earlier step that fits this page instead (the reader left the editor without saving).
	 *
	 * @param {Object[]} steps
	 * @param {number} from
	 * @param {Object} ctx
	 * @return {Object|null} {index, away, backtrack, unmet}, or null when no step is left
	 */
	function resolve( steps, from, ctx ) {
		var j, k, s;
		for ( j = Math.max( 0, from ); j < steps.length; j++ ) {
			s = steps[ j ];
			if ( !forThisReader( s, ctx ) ) {
				// Another skin's copy of a step (or a logged-out reader's): never this reader's,
				// wherever it happens, so it neither sends them away nor waits for their save.
				continue;
			}
			if ( !pageMatches( s.page, ctx ) ) {
				return { index: j, away: true };
			}
			if ( applies( s, ctx ) ) {
				return { index: j };
			}
			// A save on the other editor's branch is not this reader's to wait for.
			if ( s.advance === 'saved' && ( !ctx.chosen ||
				onPath( s, { skin: ctx.skin, loggedIn: ctx.loggedIn, editor: ctx.chosen } ) ) ) {
				break;
			}
		}
		if ( j >= steps.length ) {
			return null;
		}
		for ( k = j - 1; k >= 0; k-- ) {
			if ( pageMatches( steps[ k ].page, ctx ) && applies( steps[ k ], ctx ) ) {
				return { index: k, backtrack: true };
			}
		}
		return { index: j, unmet: true };
	}

	/**
	 * @param {Object[]} steps
	 * @param {number} index
	 * @param {Object} ctx
	 * @return {number} The nearest earlier step that shows on this page, or -1
	 */
	function previous( steps, index, ctx ) {
		var k;
		for ( k = index - 1; k >= 0; k-- ) {
			if ( pageMatches( steps[ k ].page, ctx ) && applies( steps[ k ], ctx ) ) {
				return k;
			}
		}
		return -1;
	}

	/**
	 * Whether a step is on this reader's path, judged only by what chooses among readers
	 * (skin, logged in, the editor they use once known), not by the page it happens on: every
	 * reader comes to the edit page, only some to the visual editor.
	 *
	 * @param {Object} step
	 * @param {Object} reader {skin, loggedIn, editor: 'source', 'visual' or null (not chosen yet)}
	 * @return {boolean}
	 */
	function onPath( step, reader ) {
		var w = step.when || {},
			u = step.unless,
			ctx = { skin: reader.skin, loggedIn: reader.loggedIn, editors: reader.editor ? [ reader.editor ] : [] },
			only = {
				skins: w.skins,
				loggedIn: w.loggedIn,
				editors: reader.editor ? w.editors : null
			};
		if ( !holds( only, ctx ) ) {
			return false;
		}
		// An `unless` about the reader alone (no page in it) takes the step off their path.
		if ( !isEmpty( u ) && !some( u.actions ) && !some( u.namespaces ) &&
			( reader.editor || !some( u.editors ) ) && holds( u, ctx ) ) {
			return false;
		}
		return true;
	}

	/**
	 * "Step N of M" counting only the steps on the reader's path, so skipping a step for
	 * the other editor does not jump from 3 to 5.
	 *
	 * @param {Object[]} steps
	 * @param {number} index The step on screen (it is on the path, whatever the prediction)
	 * @param {Object} reader See onPath()
	 * @return {Object} {number, total}
	 */
	function counter( steps, index, reader ) {
		var number = 1,
			total = 0,
			guesses;
		if ( !reader.editor && steps.some( function ( s ) {
			return !!( s.when && some( s.when.editors ) );
		} ) ) {
			// The editor is not chosen yet: count the longer of the two paths, so the total
			// only ever goes down once the reader opens one.
			guesses = [ 'source', 'visual', 'discussion' ].map( function ( e ) {
				return counter( steps, index, wt.assign( {}, reader, { editor: e } ) );
			} );
			return guesses.reduce( function ( a, b ) {
				return b.total > a.total ? b : a;
			} );
		}
		steps.forEach( function ( s, k ) {
			var on = k === index || onPath( s, reader );
			if ( on ) {
				total++;
				if ( k < index ) {
					number++;
				}
			}
		} );
		return { number: number, total: total };
	}

	/**
	 * Where the editor part of a tour begins, for a reader who switches editors half-way:
	 * the steps just before *index* that each name an editor are one stretch, and the new
	 * editor's steps of it come from its start.
	 *
	 * @param {Object[]} steps
	 * @param {number} index The tour's frontier
	 * @return {number} The first step of the stretch, or index when its step names no editor
	 */
	function branchStart( steps, index ) {
		var k = index;
		function editorStep( s ) {
			return !!( s && s.when && some( s.when.editors ) );
		}
		if ( !editorStep( steps[ index ] ) ) {
			return index;
		}
		while ( k > 0 && editorStep( steps[ k - 1 ] ) ) {
			k--;
		}
		return k;
	}

	/**
	 * @return {boolean} Whether DiscussionTools' new topic or reply tool is open on the page
	 */
	function discussionOpen() {
		var w = document.querySelector( '.ext-discussiontools-ui-replyWidget' ),
			r = w && w.getBoundingClientRect();
		return !!r && r.width > 0 && r.height > 0;
	}

	/**
	 * @return {Object} The current page as the functions above see it
	 */
	function context() {
		var c = mw.config,
			action = c.get( 'wgAction' ),
			editors = [],
			html = document.documentElement;
		if ( document.getElementById( 'wpTextbox1' ) || action === 'edit' || action === 'submit' ) {
			editors.push( 'source' );
		}
		if ( /(^|\s)ve-active(\s|$)/.test( html.className ) || wt.state.veActive ) {
			editors.push( 'visual' );
		}
		// DiscussionTools' new topic or reply tool, open on a talk page (no page load).
		if ( discussionOpen() ) {
			editors.push( 'discussion' );
		}
		return readPageState( {
			action: action,
			namespace: c.get( 'wgNamespaceNumber' ),
			skin: c.get( 'skin' ),
			editors: editors,
			loggedIn: !!c.get( 'wgUserName' ),
			userName: c.get( 'wgUserName' ) || '',
			title: c.get( 'wgTitle' ) || '',
			pageName: c.get( 'wgPageName' ) || '',
			// The editor this reader chose in this tour (tour.js fills it in), or null
			chosen: null,
			specialName: c.get( 'wgCanonicalSpecialPageName' ) || '',
			namespaceIds: c.get( 'wgNamespaceIds' ) || {}
		} );
	}

	// -- The page's state: the source editor's preview or changes, the watch star, the visual
	// editor's dialogs (issue 22). Both "Show preview" and "Show changes" are action=submit.

	/**
	 * What each `dialog` value means: the dialog's element, and for a dialog without a class of
	 * its own (the reference dialog on 1.39 is only a `.ve-ui-nodeDialog`) what it must hold.
	 */
	var DIALOGS = {
		save: [ '.ve-ui-mwSaveDialog' ],
		cite: [ '.ve-ui-mwReferenceDialog, .ve-ui-mwCitationDialog, .ve-ui-nodeDialog',
			'.ve-ui-mwReferenceSearchWidget, .ve-ui-mwReferenceGroupInputWidget' ],
		link: [ '.ve-ui-mwLinkAnnotationInspector, .ve-ui-linkAnnotationInspector' ],
		welcome: [ '.ve-init-mw-welcomeDialog' ]
	};

	var FLAGS = [ 'previewing', 'showingChanges', 'watched' ];

	/**
	 * @param {Object} cond
	 * @return {boolean} Whether the condition names a state of the page
	 */
	function namesPageState( cond ) {
		return FLAGS.some( function ( f ) {
			return typeof cond[ f ] === 'boolean';
		} ) || some( cond.dialogs );
	}

	/**
	 * @param {Object} cond
	 * @param {Object} ctx With previewing, showingChanges, watched (booleans) and dialogs (names)
	 * @return {boolean} Whether every page state the condition names holds
	 */
	function pageStateHolds( cond, ctx ) {
		var open = ctx.dialogs || [];
		if ( FLAGS.some( function ( f ) {
			return typeof cond[ f ] === 'boolean' && cond[ f ] !== !!ctx[ f ];
		} ) ) {
			return false;
		}
		return !some( cond.dialogs ) || cond.dialogs.some( function ( name ) {
			return name === 'any' ? open.length > 0 : open.indexOf( name ) !== -1;
		} );
	}

	function shown( selector ) {
		var el = document.querySelector( selector ),
			r = el && el.getBoundingClientRect();
		return !!r && r.width > 0 && r.height > 0;
	}

	/**
	 * Add the page's state to a context (read from the page, like the rest of context()).
	 *
	 * @param {Object} ctx
	 * @return {Object} ctx
	 */
	function readPageState( ctx ) {
		var editing = ctx.action === 'edit' || ctx.action === 'submit',
			diff = document.getElementById( 'wikiDiff' );
		ctx.previewing = editing && ( !!document.getElementById( 'mw-previewheader' ) || shown( '#wikiPreview .mw-parser-output' ) );
		ctx.showingChanges = editing && !!diff && !!diff.querySelector( 'table.diff, .mw-diff-empty' );
		// Vector: the tab is #ca-unwatch; Minerva 1.39 marks the star .watched, 1.43 only links it
		// to action=unwatch (the watch star's script keeps that link current on a toggle).
		ctx.watched = !!document.querySelector( '#ca-unwatch, .mw-watchlink.watched, a.mw-watchlink[href*="action=unwatch"]' );
		ctx.dialogs = Object.keys( DIALOGS ).filter( function ( name ) {
			var rule = DIALOGS[ name ];
			// Closed windows keep their elements, hidden: only a visible one in an active window counts.
			return Array.prototype.some.call( document.querySelectorAll( rule[ 0 ] ), function ( el ) {
				var r = el.getBoundingClientRect();
				return r.width > 0 && r.height > 0 && !!el.closest( '.oo-ui-window-active' ) &&
					( !rule[ 1 ] || !!el.querySelector( rule[ 1 ] ) );
			} );
		} );
		return ctx;
	}

	/**
	 * @param {Object} step
	 * @param {Object} ctx
	 * @return {boolean} Whether the step's conditions about the reader alone (skin, logged in)
	 *  can hold for them on some page
	 */
	function forThisReader( step, ctx ) {
		return onPath( step, { skin: ctx.skin, loggedIn: ctx.loggedIn, editor: null } );
	}

	/**
	 * The text a step shows this reader: its skin's own (`skinText`, contracts §4), else its text.
	 *
	 * @param {Object} step
	 * @param {string} skin
	 * @return {string} A message key
	 */
	function stepText( step, skin ) {
		var key = step.skinText && step.skinText[ skin ];
		return typeof key === 'string' && mw.message( key ).exists() ? key : step.text;
	}

	wt.conditions = {
		applies: applies,
		pageMatches: pageMatches,
		pageTitle: pageTitle,
		resolve: resolve,
		previous: previous,
		onPath: onPath,
		counter: counter,
		branchStart: branchStart,
		context: context,
		pageStateHolds: pageStateHolds,
		readPageState: readPageState,
		stepText: stepText
	};
}( mw.libs.wikitours ) );
